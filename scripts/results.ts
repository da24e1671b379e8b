/**
 * `npm run results -- ROW [--data fashion_mnist] [-- extra dnnc train options]`: reruns one row of
 * docs/results.md's table with `dnnc train` exactly as shipped and rewrites that row's line with
 * what the run measured (test accuracy, epochs, batch, wall time, images/s, adapter).
 *
 *   npm run results -- 3                  row 3 of the seeds' MNIST table
 *   npm run results -- 3 --data fashion_mnist
 *   npm run results -- --list             the rows and their files
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resultRows, rowKey, tableLine, replaceRow, type Measured } from "./results-table.js";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const doc = join(root, "docs/results.md");

function fail(message: string): never {
  process.stderr.write(`results: ${message}\n`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  options: { data: { type: "string", default: "mnist" }, list: { type: "boolean" }, dry: { type: "boolean" } },
  allowPositionals: true,
});
if (values.list) {
  for (const r of resultRows) process.stdout.write(`${r.id.padEnd(10)} ${r.file}  (seeds: ${r.seeds ?? "—"})\n`);
  process.exit(0);
}
const [id, ...extra] = positionals;
const row = resultRows.find((r) => r.id === id);
if (!row) fail(`name a row: ${resultRows.map((r) => r.id).join(", ")} (see --list)`);
const data = values.data as string;
if (data !== "mnist" && data !== "fashion_mnist") fail(`--data is mnist or fashion_mnist, not ${data}`);

const out = join(root, "runs", "results", data);
const args = [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "cli/main.ts"), "train", row.file, "--out", out, ...(data === "mnist" ? [] : ["--data", data]), ...extra];
process.stderr.write(`results: dnnc ${args.slice(2).join(" ")}\n`);
const started = performance.now();
const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
let stdout = "";
child.stdout.on("data", (b: Buffer) => {
  stdout += b.toString();
  process.stdout.write(b);
});
const code: number = await new Promise((done) => child.on("close", (c) => done(c ?? 1)));
const seconds = (performance.now() - started) / 1000;
if (code !== 0) fail(`dnnc train exited with ${code}; the table is unchanged`);

const accuracy = /^test accuracy (\d+\.\d+)%/m.exec(stdout)?.[1];
const speed = /^(\d+) images\/s on (.+)$/m.exec(stdout);
const dir = /^run: (.+)\/ \(/m.exec(stdout)?.[1];
if (!accuracy || !speed || !dir) fail(`could not read the result from dnnc's output:\n${stdout}`);
const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { epochs: number; batch: number; epochs_run?: number; limit: number | null };
const measured: Measured = {
  accuracy: Number(accuracy),
  epochs: run.epochs_run ?? run.epochs,
  batch: run.batch,
  seconds,
  imagesPerSecond: Number(speed[1]),
  adapter: speed[2]!,
  command: `dnnc train ${row.file}${data === "mnist" ? "" : ` --data ${data}`}${extra.length ? " " + extra.join(" ") : ""}`,
};
if (!existsSync(doc)) fail(`${doc} is missing`);
const line = tableLine(row, data, measured);
if (values.dry) process.stdout.write(line + "\n");
else {
  writeFileSync(doc, replaceRow(readFileSync(doc, "utf8"), rowKey(row, data), line));
  process.stdout.write(`results: docs/results.md row ${rowKey(row, data)} rewritten:\n${line}\n`);
}
