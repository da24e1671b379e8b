/**
 * Bundles the page into web/dist/: main.js (the page with the compiler and the runtime, bundled
 * for browsers — a Node-only import anywhere on its path fails the build), index.html, style.css.
 * `npm run build:web`; `npm run web` builds and serves.
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** web/ in this checkout. */
export const webDir = dirname(fileURLToPath(import.meta.url));

/** Builds the page into `out` (default web/dist); returns the directory and the bundle's size in bytes. */
export async function buildWeb(out = join(webDir, "dist")): Promise<{ dir: string; bytes: number }> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(webDir, "src", "main.ts")],
    outfile: join(out, "main.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    loader: { ".dnn": "text" },
    // A browser has no environment variables: code that reads process.env (developer switches in
    // the kernel renderers) sees none and takes its defaults. Any other use of `process` stays an error.
    define: { "process.env": "{}" },
    sourcemap: true,
    logLevel: "silent",
    legalComments: "none",
  });
  for (const f of ["index.html", "style.css"]) copyFileSync(join(webDir, f), join(out, f));
  return { dir: out, bytes: statSync(join(out, "main.js")).size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb().then(
    ({ dir, bytes }) => console.log(`built ${dir} (main.js ${(bytes / 1024).toFixed(0)} KiB)`),
    (e: Error & { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
      for (const m of e.errors ?? [{ text: e.message }]) console.error(`error: ${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`);
      process.exitCode = 1;
    },
  );
}
