/**
 * `npm run package:vscode`: bundles the extension's client (src/extension.ts) and the language server
 * (lsp/main.ts, with the compiler and the formatter) with esbuild into dist/, copies the TextMate
 * grammar in, and writes dnnc-<version>.vsix with @vscode/vsce. Needs no node_modules at install time.
 */
import { build } from "esbuild";
import { createVSIX } from "@vscode/vsce";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");

/** Build and package; returns the path of the .vsix written. */
export async function packageExtension(): Promise<string> {
  const dist = join(here, "dist");
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  // The client runs inside VS Code's extension host, which loads CommonJS and provides `vscode`.
  await build({ entryPoints: [join(here, "src/extension.ts")], outfile: join(dist, "extension.cjs"), bundle: true, platform: "node", format: "cjs", target: "node18", external: ["vscode"], logLevel: "warning" });
  // The server is an ES module (prettier and chevrotain are); CommonJS dependencies inside it get a real `require`.
  await build({
    entryPoints: [join(root, "lsp/main.ts")],
    outfile: join(dist, "server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    banner: { js: 'import { createRequire as __dnncRequire } from "node:module"; const require = __dnncRequire(import.meta.url);' },
    logLevel: "warning",
  });
  copyFileSync(join(root, "grammar/dnn.tmLanguage.json"), join(dist, "dnn.tmLanguage.json"));
  const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8")) as { version: string };
  const vsix = join(here, `dnnc-${version}.vsix`);
  // The bundles hold every dependency; the repository's license is the `license` field of package.json.
  await createVSIX({ cwd: here, packagePath: vsix, dependencies: false, allowMissingRepository: true, skipLicense: true });
  return vsix;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const vsix = await packageExtension();
  console.log(`wrote ${vsix.slice(root.length + 1)} (${(statSync(vsix).size / 1024 / 1024).toFixed(1)} MiB); install it with: code --install-extension ${vsix.slice(root.length + 1)}`);
}
