// The GPU kit's app folder (scripts/gpu-kit.ts) run here on the adapter at hand: the bundled CLI
// trains, and the bundled benchmark starts its bundled peer child and reads its result, as they will
// on a GPU machine where neither tsx nor node_modules exists.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIT_ENTRIES, stageApp } from "../../scripts/gpu-kit.js";

let app: string;
beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), "dnnc-kit-test-"));
  await stageApp(app, "link");
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, args, { cwd: app, encoding: "utf8", timeout: 170_000 });

describe("the GPU kit's bundles", () => {
  it("bundles every entry point at its source path", async () => {
    const { existsSync } = await import("node:fs");
    for (const e of KIT_ENTRIES) expect(existsSync(join(app, e.replace(/\.ts$/, ".js"))), e).toBe(true);
  });

  it("the bundled CLI trains on MNIST and prints the test accuracy", () => {
    const r = run("cli/main.js", "train", "examples/mnist/1-fc100-sigmoid.dnn", "--limit", "500", "--epochs", "1", "--out", join(app, "runs"));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d%/);
  }, 180_000);

  it("the bundled benchmark runs its bundled peer child and prints the quick JSON line", () => {
    const r = run("bench/run.js", "--quick", "--peers", "ours");
    expect(r.status, r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { ours_images_per_s: number | null };
    expect(last.ours_images_per_s).toBeGreaterThan(0);
  }, 180_000);

  it("the bundled profiler runs alone (the roofline module it bundles does not take over as a script)", () => {
    const r = run("bench/profile.js", "examples/mnist/1-fc100-sigmoid.dnn", "--rounds", "1", "--steps", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/whole step: [\d.]+ ms/);
  }, 180_000);
});
