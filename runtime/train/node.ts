/**
 * The Node entry of the runtime for trainers: everything a generated trainer.ts imports. A run lives
 * in `<out>/<Model>/` (see run.ts); evaluation and weights files are in evaluate.ts.
 */

export { readCompiledModel, loadData } from './files.js';
export { trainRun, withOverrides, type TrainRunOptions, type TrainRunResult, type TrainingOverrides } from './run.js';
export {
  evaluateWeights,
  evaluateWeightsFile,
  predictImages,
  readWeightsFile,
  testSet,
  writeWeightsFile,
  type EvaluationReport,
} from './evaluate.js';
export { formatConfusion } from './ensemble.js';
export type { Weights } from './weights.js';
export type { CompiledModel, Manifest } from '../engine/manifest.js';
