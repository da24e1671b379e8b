/**
 * The browser-safe entry of the training runtime: what a page needs to train a compiled model in
 * memory with the same loop, data pipeline and engine as `dnnc train`. The Node entry (node.ts)
 * adds reading compiled models, data and weights from disk and writing the run directory.
 */

export { trainInMemory, type SessionOptions, type SessionResult } from './session.js';
export { trainLoop, type LoopIo, type LoopOptions, type LoopResult, type MemberResult } from './loop.js';
export { prepareData, firstExamples, type RunData } from './data.js';
export { withOverrides, type TrainingOverrides } from './overrides.js';
export { accuracyOf, confusionMatrix, predictOutputs, probabilities } from './ensemble.js';
export { Engine, meanMetrics, type Evaluation, type MetricSums } from '../engine/engine.js';
export type { CompiledModel, Manifest } from '../engine/manifest.js';
