/**
 * How the benchmark starts its child processes. From the repository the entry points are
 * TypeScript run through tsx; in the GPU kit (`npm run gpu:kit`, scripts/gpu-kit.ts) each one is
 * an esbuild bundle at the same path with `.js` for `.ts`, run by plain node, since the kit
 * carries neither tsx nor node_modules to the device machine.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the kit's app folder when bundled). */
export const ROOT = resolve(fileURLToPath(import.meta.url), "../..");

/** True when this code runs from the kit's bundles rather than from TypeScript sources. */
export const BUNDLED = import.meta.url.endsWith(".js");

/** Node arguments that run the entry point `path` (relative to the root, ending in `.ts`). */
export function entryArgs(path: string, bundled = BUNDLED): string[] {
  if (!path.endsWith(".ts")) throw new Error(`entry points are named by their .ts source, got ${path}`);
  return bundled ? [join(ROOT, path.replace(/\.ts$/, ".js"))] : ["--import", "tsx", join(ROOT, path)];
}
