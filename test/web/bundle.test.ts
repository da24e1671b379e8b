import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildWeb } from "../../web/build.js";

describe("the page's bundle (web/build.ts)", () => {
  it("bundles the compiler and the runtime for browsers, with no Node-only import or global", async () => {
    // esbuild's browser platform fails the build on any node: import; this checks what it let through.
    const { dir, bytes } = await buildWeb(mkdtempSync(join(tmpdir(), "dnnc-bundle-")));
    const js = readFileSync(join(dir, "main.js"), "utf8");
    expect(bytes).toBe(Buffer.byteLength(js));
    expect(js).not.toMatch(/\bfrom\s*["']node:|(?<![.\w])require\(["']|\bimport\(["']node:/);
    expect(js).not.toMatch(/\bprocess\.(argv|exit|cwd|stdout|stderr|platform)\b|\bBuffer\.from\b|\b__dirname\b/);
    // The same compiler and training loop as the CLI, not a copy: their functions are in the bundle.
    for (const name of ["function compileModel(", "function trainLoop(", "function trainInMemory(", "function checkFile(", "var Engine = class"]) expect(js).toContain(name);
    for (const f of ["index.html", "style.css"]) expect(readFileSync(join(dir, f), "utf8").length).toBeGreaterThan(100);
  });
});
