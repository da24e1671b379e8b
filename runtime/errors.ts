/**
 * Typed errors the runtime hands to users. Each carries a stable `code` and a one-line message;
 * callers (the CLI, a generated trainer) print `message` alone, never a stack, for these.
 */

/** Base class of every expected runtime failure. */
export abstract class RuntimeFailure extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No WebGPU adapter could be found (no GPU, no software rasteriser, no navigator.gpu). */
export class NoAdapterError extends RuntimeFailure {
  readonly code = 'no-adapter';
}

/** The adapter refused the device request, or the device was lost unexpectedly. */
export class DeviceError extends RuntimeFailure {
  readonly code = 'device';
}

/** Bytes that should hold a data set, array or checkpoint are malformed. */
export class DataFormatError extends RuntimeFailure {
  readonly code = 'data-format';
  /** `format`: which reader rejected the bytes. */
  constructor(
    readonly format: 'idx' | 'csv' | 'npy' | 'safetensors' | 'gzip' | 'jsonl',
    detail: string,
  ) {
    super(`${format}: ${detail}`);
  }
}

/** A named data set is not installed where the runtime looks for it. */
export class DatasetNotFoundError extends RuntimeFailure {
  readonly code = 'dataset-not-found';
}

/** A caller passed an argument outside its documented range (sizes, fractions, shapes). */
export class InvalidArgumentError extends RuntimeFailure {
  readonly code = 'invalid-argument';
}

/** A file could not be read or written (permissions, missing directory, full disk). */
export class FileAccessError extends RuntimeFailure {
  readonly code = 'file-access';
}

/** An error the GPU reported outside any error scope (a bad shader, an invalid dispatch, OOM). */
export class UncapturedGpuError extends RuntimeFailure {
  readonly code = 'gpu-error';
  /** `kind`: WebGPU's error class; `detail`: the implementation's full, multi-line text. */
  constructor(
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'unknown',
    readonly detail: string,
  ) {
    super(`GPU ${kind} error: ${detail.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no message'}`);
  }
}
