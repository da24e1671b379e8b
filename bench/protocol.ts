/**
 * What the benchmark asks of one peer and what the peer answers. Each peer runs in its own child
 * process: the request is its one command-line argument (JSON), the result the last line it prints
 * on stdout (JSON). bench/peers/torch_peer.py speaks the same protocol.
 */

/** The sides of the comparison. */
export const PEERS = ["ours", "tfjs-webgpu", "tfjs-wasm", "tfjs-cpu", "torch-cpu"] as const;
export type PeerName = (typeof PEERS)[number];

export interface PeerRequest {
  readonly peer: PeerName;
  /** A model id of bench/models.ts. */
  readonly model: string;
  readonly batch: number;
  /** Steps after the first one, before timing starts. */
  readonly warmupSteps: number;
  /** Steps per timed window (fewer when the cap demands). */
  readonly windowSteps: number;
  readonly windows: number;
  /** The timed windows together should take about this long at most; the window shrinks to fit. */
  readonly capSeconds: number;
  /**
   * Steps after which test accuracy is taken (first + warm-up + windows as planned): a peer whose
   * windows were cut trains on, untimed, up to this many steps when that fits in the cap, so every
   * accuracy in a row of the table is after the same number of images.
   */
  readonly accuracySteps: number;
  /** Test images to evaluate on after training (the first N of MNIST's test set). */
  readonly testImages: number;
}

export interface PeerSuccess {
  readonly ok: true;
  readonly peer: PeerName;
  readonly model: string;
  readonly batch: number;
  /** Where it ran, e.g. "opengles: llvmpipe (…)" or "wasm simd, 2 threads". */
  readonly device: string;
  /** Wall time of the first training step, including kernel/pipeline compilation. */
  readonly firstStepMs: number;
  /** Training images per second of each timed window. */
  readonly windowRates: readonly number[];
  /** Images trained in total (first step, warm-up and windows). */
  readonly imagesTrained: number;
  /** Test accuracy after `imagesTrained` images, null when skipped (see notes). */
  readonly accuracy: number | null;
  readonly testImages: number;
  /** Peak resident memory of the peer's process (maxRSS). */
  readonly peakRssBytes: number;
  readonly notes: readonly string[];
}

export interface PeerFailure {
  readonly ok: false;
  readonly peer: PeerName;
  readonly model: string;
  readonly batch: number;
  /** One line: why the peer could not run. */
  readonly error: string;
}

export type PeerResult = PeerSuccess | PeerFailure;

/** Reads the result from a child's stdout: the last line that parses as a JSON object with `ok`. */
export function parseResultLine(stdout: string): PeerResult | undefined {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]!) as unknown;
      if (v && typeof v === "object" && "ok" in v) return v as PeerResult;
    } catch {
      // not the result line
    }
  }
  return undefined;
}
