/** The layer registry: statement head word → layer definition. */
import type { LayerDef } from "./common.js";
import { activations } from "./common.js";
import { input } from "./input.js";
import { dense } from "./dense.js";
import { conv } from "./conv.js";
import { pool } from "./pool.js";
import { batchnorm } from "./batchnorm.js";
import { activationLayer, dropout, flatten, maxout } from "./simple.js";
import { add, concat } from "./join.js";

// Each definition is typed by its own config; the registry erases that to look them up by word.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLayerDef = LayerDef<any>;

/** Every layer head word the language knows. */
export const layerDefs: ReadonlyMap<string, AnyLayerDef> = new Map<string, AnyLayerDef>([
  ["input", input],
  ["dense", dense],
  ["conv", conv],
  ["pool", pool],
  ["flatten", flatten],
  ["dropout", dropout],
  ["batchnorm", batchnorm],
  ["maxout", maxout],
  ["add", add],
  ["concat", concat],
  ...activations.map((fn): [string, AnyLayerDef] => [fn, activationLayer(fn)]),
]);

export type { LayerDef, LayerKind, ParamCount, ActivationFn, Init } from "./common.js";
export type { DenseConfig } from "./dense.js";
export type { ConvConfig } from "./conv.js";
export type { PoolConfig } from "./pool.js";
export type { InputConfig } from "./input.js";
export type { BatchNormConfig } from "./batchnorm.js";
export type { DropoutConfig, ActivationConfig, MaxoutConfig } from "./simple.js";
