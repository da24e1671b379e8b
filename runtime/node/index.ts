/** The Node-only runtime: Dawn devices, files on disk, data sets, checkpoints and metrics logs. */

export * from './gpu.js';
export * from './files.js';
export * from './datasets.js';
export * from './atomic-write.js';
export * from './checkpoint-file.js';
export * from './metrics-log.js';
