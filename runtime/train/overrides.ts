/** Training settings a run may change without recompiling: everything not baked into a kernel. */

import type { CompiledModel, TrainingConfig } from '../engine/manifest.js';

/** Settings a run may change without recompiling: everything not baked into a kernel. */
export interface TrainingOverrides {
  readonly lr?: number;
  /** The momentum / Nesterov optimizer's μ (ignored by other optimizers; a sweep checks that first). */
  readonly momentum?: number;
  readonly epochs?: number;
  readonly seed?: number;
  readonly validation?: number;
  readonly l1?: number;
  readonly l2?: number;
  readonly schedule?: TrainingConfig['schedule'];
  readonly warmupEpochs?: number;
  readonly earlyStop?: TrainingConfig['earlyStop'] | null;
  readonly augment?: TrainingConfig['augment'];
}

/** The model with `overrides` applied to its training settings. */
export function withOverrides(model: CompiledModel, o: TrainingOverrides = {}): CompiledModel {
  const t = model.manifest.training;
  const { lr, momentum, earlyStop, ...rest } = o;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const training: TrainingConfig = {
    ...t,
    ...defined,
    optimizer: { ...t.optimizer, ...(lr === undefined ? {} : { lr }), ...(momentum !== undefined && 'momentum' in t.optimizer ? { momentum } : {}) },
    earlyStop: earlyStop === undefined ? t.earlyStop : (earlyStop ?? undefined),
  };
  return { manifest: { ...model.manifest, training }, code: model.code };
}
