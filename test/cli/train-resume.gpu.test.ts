// Needs a WebGPU adapter: a GPU, or Mesa's llvmpipe (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri).
/**
 * Killing `dnnc train` with SIGKILL mid-run leaves a valid checkpoint (written atomically), and
 * `--resume` continues from it to the same result as a run that was never interrupted.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/checkpoint.js";
import { parseJsonLines, type MetricsRecord } from "../../runtime/metrics.js";
import { dnncEnv, startDnnc } from "./train-run.js";

const source = "examples/mnist/1-fc100-sigmoid.dnn";
const args = ["train", source, "--limit", "1500", "--epochs", "6"];
const out = mkdtempSync(join(tmpdir(), "dnnc-resume-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const epochs = (dir: string): MetricsRecord[] => parseJsonLines(readFileSync(join(dir, "metrics.jsonl"), "utf8")).filter((r) => r["kind"] === "epoch");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("dnnc train --resume after SIGKILL", () => {
  it("continues from the last checkpoint to the result of an uninterrupted run", async () => {
    const killed = join(out, "killed");
    const run = startDnnc([...args, "--out", killed]);
    const checkpoint = join(killed, "FC100", "checkpoint.safetensors");
    // Wait for the first checkpoint, then kill the process while it trains the next epoch.
    for (let waited = 0; !existsSync(checkpoint); waited += 20) {
      if (waited > 60_000 || run.child.exitCode !== null) throw new Error(`no checkpoint appeared:\n${run.output.text}`);
      await sleep(20);
    }
    run.child.kill("SIGKILL");
    expect(await run.exited).toBe(null);

    const dir = join(killed, "FC100");
    const saved = decodeSafetensors(new Uint8Array(readFileSync(checkpoint)));
    const state = JSON.parse(saved.metadata["dnnc.loop"]!) as { epoch: number };
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    expect(state.epoch).toBeLessThan(6);

    const resumed = await dnncEnv([...args, "--out", killed, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .*checkpoint\.safetensors after epoch \d/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(epochs(dir).map((r) => r["epoch"])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(JSON.parse(readFileSync(join(dir, "run.json"), "utf8"))).toMatchObject({ status: "finished", resumed: true });

    const whole = join(out, "whole");
    const straight = await dnncEnv([...args, "--out", whole]);
    expect(straight.code).toBe(0);
    const a = epochs(join(whole, "FC100")).at(-1)!;
    const b = epochs(dir).at(-1)!;
    // Seeded shuffles per epoch and fixed-order sums make the resumed run repeat the same arithmetic.
    expect(b["train_loss"]).toBeCloseTo(a["train_loss"] as number, 5);
    expect(b["val_accuracy"]).toBe(a["val_accuracy"]);
  }, 120_000);
});
