import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs `npm run bench` with `args`; these exit during option parsing, before any training. */
function bench(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("npm run bench: command-line mistakes", () => {
  it("an unknown model: one line naming the models there are, exit 1", () => {
    const r = bench("--models", "cnn,resnet");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown model "resnet" \(models: cnn, fc100, dropout\)\n/);
    expect(r.stderr).not.toMatch(/ at /);
  });
  it("an unknown peer or a bad batch size", () => {
    expect(bench("--peers", "ours,jax").stderr).toMatch(/^error: unknown peer "jax" \(peers: ours, tfjs-webgpu, tfjs-wasm, tfjs-cpu, torch-cpu\)/);
    expect(bench("--batches", "64,0").stderr).toMatch(/^error: --batches takes positive integers, got "64,0"/);
  });
  it("an unknown option", () => {
    const r = bench("--fast");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: Unknown option '--fast'/);
  });
});
