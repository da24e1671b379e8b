/** The browser-safe runtime a generated trainer imports; Node-only parts live in runtime/node/. */

export * from './errors.js';
export * from './random.js';
export * from './device.js';
export * from './schedule.js';
export * from './early-stop.js';
export * from './metric-goal.js';
export * from './checkpoint.js';
export * from './metrics.js';
export * from './progress.js';
export * from './plot.js';
export * from './data/image-set.js';
export * from './data/idx.js';
export * from './data/csv.js';
export * from './data/npy.js';
export * from './data/gzip.js';
export * from './data/datasets.js';
export * from './data/split.js';
export * from './data/augment.js';
export * from './data/warp.js';
export * from './data/fetch.js';
