/** `dnnc compile` output: the files it writes and a trainer.ts that typechecks against the runtime alone. */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitModel } from "../../cli/emit.js";
import { checkExample, root } from "../compiler/helpers.js";
import { compileExample } from "./helpers.js";

const out = join(root, "test-artifacts", "engine-trainer");

describe("dnnc compile output", () => {
  const path = "examples/mnist/7-dropout.dnn";
  const compiled = compileExample(path);
  let files: string[] = [];

  beforeAll(async () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    files = await emitModel(checkExample(path).value.program!, compiled, out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("writes one .wgsl file per kernel, manifest.json and trainer.ts", () => {
    const dir = join(out, compiled.manifest.model);
    expect(readdirSync(join(dir, "kernels")).sort()).toEqual(compiled.manifest.kernels.map((k) => `${k.name}.wgsl`).sort());
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(compiled.manifest)));
    expect(existsSync(join(dir, "trainer.ts"))).toBe(true);
    expect(files).toContain(join(compiled.manifest.model, "trainer.ts"));
  });

  it("writes a trainer that imports only the runtime and states the step's kernels", () => {
    const text = readFileSync(join(out, compiled.manifest.model, "trainer.ts"), "utf8");
    const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
    expect(imports.filter((s) => !s.startsWith("node:"))).toEqual(["../../../runtime/train/node.js"]);
    for (const name of compiled.manifest.steps.train) expect(text).toContain(name);
    expect(text).toMatch(/export function train\(/);
    for (const f of ["evaluate", "predict", "save", "load"]) expect(text).toMatch(new RegExp(`export function ${f}\\(`));
  });

  it("writes a trainer.ts that typechecks under the project's strict settings", () => {
    const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram([join(out, compiled.manifest.model, "trainer.ts")], { ...options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });
});
