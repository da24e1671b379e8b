/**
 * The body of a peer's child process: read the request from argv, run the peer, print one JSON
 * result line on stdout. A failure becomes `{"ok":false,"error":"one line"}`, never a stack.
 */
import { peakRssBytes } from "./memory.js";
import { loadMnistBytes } from "./mnist.js";
import { type BenchTrainer, measure } from "./measure.js";
import type { PeerFailure, PeerRequest, PeerSuccess } from "./protocol.js";

/** What a peer sets up before measuring: its trainer, where it runs, and notes for the table. */
export interface PeerSetup {
  readonly trainer: BenchTrainer;
  readonly device: string;
  /** Milliseconds of set-up counted as part of the first step: compiling the model, building pipelines (not opening the device). */
  readonly setupMs?: number;
  readonly notes?: readonly string[];
  /** Frees the device, if any. */
  close?(): Promise<void>;
}

/** The first line of an error's message. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown error";
}

/** Runs one peer as this process's only job and prints its result. */
export async function peerMain(setup: (req: PeerRequest) => Promise<PeerSetup>): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? "{}") as PeerRequest;
  try {
    const train = loadMnistBytes("train");
    const test = loadMnistBytes("test", req.testImages);
    const peer = await setup(req);
    const setupMs = peer.setupMs ?? 0;
    const m = await measure(peer.trainer, train, test, req);
    await peer.close?.();
    const result: PeerSuccess = {
      ok: true,
      peer: req.peer,
      model: req.model,
      batch: req.batch,
      device: peer.device,
      firstStepMs: setupMs + m.firstStepMs,
      windowRates: m.windowRates,
      imagesTrained: m.imagesTrained,
      accuracy: m.accuracy,
      testImages: test.count,
      peakRssBytes: peakRssBytes(),
      notes: [...(peer.notes ?? []), ...m.notes],
    };
    console.log(JSON.stringify(result));
  } catch (e) {
    const failure: PeerFailure = { ok: false, peer: req.peer, model: req.model, batch: req.batch, error: oneLine(e) };
    console.log(JSON.stringify(failure));
  }
  process.exit(0);
}
