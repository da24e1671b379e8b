/** The checked program: names resolved, every tensor shape known, parameters and FLOPs counted. */
import type { Span } from "../grammar/ast.js";
import type { LayerKind, ParamCount } from "./layers/index.js";
import type { Shape } from "./shape.js";
import type { TrainingSpec } from "./train/spec.js";

export interface LayerNode {
  readonly id: number;
  readonly kind: LayerKind;
  /** The statement's head word (`relu`, `conv`, …). */
  readonly head: string;
  /** The value's name when the statement was `name = …`. */
  readonly name: string | undefined;
  /** Typed per kind; see compiler/layers/<kind>.ts. */
  readonly config: unknown;
  readonly inputs: readonly number[];
  readonly shape: Shape;
  readonly params: ParamCount;
  readonly flops: number;
  readonly span: Span;
  /** Block uses this node was expanded through, outermost first, and those blocks' names. */
  readonly via: readonly Span[];
  readonly blocks: readonly string[];
}

export interface CheckedModel {
  readonly name: string;
  readonly span: Span;
  readonly nodes: readonly LayerNode[];
  /** Id of the node whose value is the model's output. */
  readonly output: number;
  /** False when errors left some shapes unknown. */
  readonly complete: boolean;
}

export interface CheckedProgram {
  readonly models: readonly CheckedModel[];
  readonly trainings: readonly TrainingSpec[];
}
