/** `dnnc compile`, and the failures of `dnnc train`/`eval` that need no adapter. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dnnc } from "./run.js";
import { dnncEnv } from "./train-run.js";

const stackLine = /^\s+at .+[:(]/m;
const tmp = mkdtempSync(join(tmpdir(), "dnnc-compile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent("dnnc compile / train / eval without training", () => {
  it("compile: writes kernels, manifest.json and trainer.ts, and --explain lists the step", async () => {
    const r = await dnnc(["compile", "examples/mnist/1-fc100-sigmoid.dnn", "-o", tmp, "--explain"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model FC100 \(examples\/mnist\/1-fc100-sigmoid\.dnn\), batch 10/);
    expect(r.stdout).toMatch(/training step: \d+ kernels in one command buffer/);
    expect(r.stdout).toMatch(/dense1_forward +forward +dense1 +\d+×\d+×\d+ +\d +[\d.]+ [kM]? .*1-fc100-sigmoid\.dnn:7/);
    expect(r.stdout).toMatch(/update_sgd +update/);
    expect(r.stdout).toMatch(/wrote .*FC100\/: \d+ kernels, manifest\.json, trainer\.ts/);
    const dir = join(tmp, "FC100");
    expect(readdirSync(dir).sort()).toEqual(["kernels", "manifest.json", "trainer.ts"]);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(readdirSync(join(dir, "kernels")).length).toBe(manifest.kernels.length);
  });

  it("compile --explain: the path of each conv pass differs between --target cpu and gpu", async () => {
    const run = (target: string) => dnnc(["compile", "examples/mnist/fast-adam.dnn", "-o", join(tmp, target), "--explain", "--target", target]);
    const [cpu, gpu] = await Promise.all([run("cpu"), run("gpu")]);
    const section = (stdout: string) => stdout.split("\n\n").find((s) => s.startsWith("convolution paths"))!.split("\n").slice(3);
    for (const r of [cpu, gpu]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      // After the training step, before the evaluation batch; conv1 reads the image, so it has no dX pass.
      expect(r.stdout.indexOf("training step:")).toBeLessThan(r.stdout.indexOf("convolution paths"));
      expect(r.stdout.indexOf("convolution paths")).toBeLessThan(r.stdout.indexOf("evaluation batch:"));
    }
    expect(section(cpu.stdout).map((l) => l.split(/ {2,}/).slice(0, 3).join(" "))).toEqual([
      "conv1 forward direct",
      "conv1 params direct",
      "conv2 forward direct",
      "conv2 params direct",
      "conv2 input col2im-rows",
    ]);
    expect(section(cpu.stdout)[2]).toMatch(/^conv2 +forward +direct +CPU, stride 1, unpadded, vec4 rows and filters: direct convolution; uniform X and W: 13 chunks of 5 images, W in 2 pieces$/);
    expect(section(gpu.stdout).map((l) => l.split(/ {2,}/).slice(0, 3).join(" "))).toEqual([
      "conv1 forward gemm",
      "conv1 params gemm",
      "conv2 forward gemm",
      "conv2 params gemm",
      "conv2 input gather",
    ]);
    expect(section(gpu.stdout)[4]).toMatch(/^conv2 +input +gather +GPU: implicit GEMM gathering dZ$/);
    // The paths named are the kernels written: the direct forward pass has a weight-repacking kernel.
    expect(cpu.stdout).toMatch(/conv2_forward_weights +forward/);
    expect(gpu.stdout).not.toMatch(/conv2_forward_weights/);
  });

  it("compile: a wrong --model name gets a suggestion", async () => {
    const r = await dnnc(["compile", "examples/mnist/3-two-conv-pool.dnn", "-o", tmp, "--model", "TwoConvPol"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: examples/mnist/3-two-conv-pool.dnn has no model named `TwoConvPol` — did you mean `TwoConvPool`? (models: TwoConvPool)\n");
  });

  it("compile: a model without a train block is one error line", async () => {
    const r = await dnnc(["compile", "examples/blocks/conv-pool.dnn", "-o", tmp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: examples\/blocks\/conv-pool\.dnn defines no model\n$/);
  });

  it("train: with no adapter, one line on how to get one, exit 1, no stack", async () => {
    if (process.platform !== "linux") return; // d3d12 exists elsewhere
    const r = await dnncEnv(["train", "examples/mnist/1-fc100-sigmoid.dnn", "--out", tmp], { DAWNNODE_BACKEND: "d3d12" });
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("error"));
    expect(lines).toEqual([expect.stringMatching(/^error: no WebGPU adapter found \(tried d3d12\); install .*apt-get install/)]);
    expect(r.stderr).not.toMatch(stackLine);
  });

  it("train: a DNNC_TARGET that is neither cpu nor gpu is one line saying what it takes, before any device opens", async () => {
    const r = await dnncEnv(["train", "examples/mnist/1-fc100-sigmoid.dnn", "--out", tmp], { DNNC_TARGET: "cuda" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: DNNC_TARGET is "cuda"; it takes cpu \(kernels for software adapters\) or gpu \(workgroup-tiled kernels\), or leave it unset to follow the adapter\n$/);
  });

  it("train: --resume without a checkpoint says so", async () => {
    const r = await dnnc(["train", "examples/mnist/1-fc100-sigmoid.dnn", "--out", join(tmp, "none"), "--resume"]);
    if (/no WebGPU adapter/.test(r.stderr)) return;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: nothing to resume: .*checkpoint\.safetensors does not exist/);
  });

  it("eval: a missing checkpoint is one error line", async () => {
    const r = await dnnc(["eval", join(tmp, "nothing.safetensors")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no such checkpoint: .*nothing\.safetensors\n$/);
  });
});
