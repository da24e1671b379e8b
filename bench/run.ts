/**
 * `npm run bench [-- --quick] [--models cnn,fc100,dropout] [--batches 10,64,256]
 * [--peers ours,tfjs-webgpu,tfjs-wasm,tfjs-cpu,torch-cpu] [--time-to-99-cap SECONDS] [--json]`
 *
 * Trains the same models on the same MNIST batches with the same SGD settings on every peer, each
 * in its own child process one after another, and prints a table last. The full run also times the
 * checker on 1,000-layer models and our time to 99% test accuracy. `--quick` measures only the CNN
 * at batch 64 and ends with one JSON line: ours in images/s and ours ÷ each peer.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { generatedConvModel, generatedResidualModel, timeCheck } from "./check-large.js";
import { runPeer, torchAvailable } from "./child.js";
import { machineLine } from "./machine.js";
import { modelById } from "./models.js";
import { FULL, plan, QUICK, type RunOptions } from "./plan.js";
import { PEERS, type PeerName } from "./protocol.js";
import { quickLine, renderTable, type Row } from "./table.js";
import { describeTimeToGoal, TIME_TO_GOAL_FILE, timeToGoal, type TimeToGoalResult } from "./time-to-goal.js";

function usage(message: string): never {
  console.error(`error: ${message}`);
  console.error("usage: npm run bench -- [--quick] [--models cnn,fc100,dropout] [--batches 10,64,256] [--peers ours,tfjs-webgpu,tfjs-wasm,tfjs-cpu,torch-cpu] [--time-to-99-cap SECONDS] [--json]");
  process.exit(1);
}

function list(text: string | undefined): string[] | undefined {
  return text?.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The run's options from the command line; a mistake ends the process with one line. */
function options(argv: string[]): RunOptions & { json: boolean; cap: number } {
  let v;
  try {
    v = parseArgs({ args: argv, options: { quick: { type: "boolean" }, models: { type: "string" }, batches: { type: "string" }, peers: { type: "string" }, json: { type: "boolean" }, "time-to-99-cap": { type: "string" } } }).values;
  } catch (e) {
    usage((e as Error).message);
  }
  const base = v.quick ? QUICK : FULL;
  const models = list(v.models) ?? base.models;
  for (const m of models) {
    try {
      modelById(m);
    } catch (e) {
      usage((e as Error).message);
    }
  }
  const batches = (list(v.batches) ?? base.batches.map(String)).map(Number);
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) usage(`--batches takes positive integers, got "${v.batches}"`);
  const peers = (list(v.peers) ?? base.peers) as PeerName[];
  for (const p of peers) if (!PEERS.includes(p)) usage(`unknown peer "${p}" (peers: ${PEERS.join(", ")})`);
  const cap = Number(v["time-to-99-cap"] ?? 1200);
  if (!(cap > 0)) usage(`--time-to-99-cap takes seconds, got "${v["time-to-99-cap"]}"`);
  return { quick: v.quick === true, models, batches, peers, json: v.json === true, cap };
}

function checkTable(): string {
  const rows = [timeCheck("chain of conv/batchnorm/relu", generatedConvModel(1000)), timeCheck("residual blocks via repeat", generatedResidualModel(1000))];
  const header = ["benchmark", "layers", "median ms", "min–max ms", "target"];
  const body = rows.map((r) => [`check: ${r.name}`, String(r.layers), r.medianMs.toFixed(1), `${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)}`, r.medianMs < 1000 ? "< 1000 ms ✓" : "< 1000 ms ✗"]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c]!)).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

const o = options(process.argv.slice(2));
const started = performance.now();
const load = () => loadavg().map((x) => x.toFixed(2)).join(", ");
const loadBefore = load();
const out: string[] = [];
if (!o.quick) out.push(checkTable(), "");

const rows: Row[] = [];
for (const p of plan(o)) {
  if ("skip" in p) {
    rows.push(p.skip);
    continue;
  }
  const { request } = p;
  process.stderr.write(`bench: ${request.peer} ${request.model} batch ${request.batch} … `);
  const r = await runPeer(request, p.timeoutSeconds);
  process.stderr.write(r.ok ? `${Math.round(r.windowRates.reduce((a, b) => a + b) / r.windowRates.length)} images/s\n` : `failed: ${r.error}\n`);
  rows.push(r);
}

let timeToGoalResult: TimeToGoalResult | undefined;
if (!o.quick) {
  process.stderr.write(`bench: time to 99% with dnnc train ${TIME_TO_GOAL_FILE} (cap ${o.cap} s) … `);
  timeToGoalResult = await timeToGoal(TIME_TO_GOAL_FILE, 0.99, o.cap);
  process.stderr.write("done\n");
  out.push(describeTimeToGoal(timeToGoalResult), "");
}

const minutes = (performance.now() - started) / 60000;
const header = [
  `dnnc training benchmark (${o.quick ? "--quick" : "full"}): ${new Date().toISOString()}, ${machineLine()}, Node ${process.version}`,
  `load average (1, 5, 15 min) before ${loadBefore}, after ${load()}; the run took ${minutes.toFixed(1)} min`,
  `same MNIST training images in file order for every peer; SGD; weights N(0, 1/n_in), biases 0; ${o.quick ? "accuracy on the first 2,000 test images" : "accuracy on the 10,000 test images"}`,
  `images/s: median of 3 timed windows after warm-up (min–max of the 3); first step: includes compiling the model (ours: dnnc compile and pipelines; tfjs: lazy kernel compilation); peak RSS of the peer's own process${torchAvailable() ? "" : "; torch-cpu: python3-torch absent"}`,
];
out.push(renderTable(rows, header));
console.log(out.join("\n"));
if (o.quick) console.log(JSON.stringify(quickLine(rows)));
else if (o.json) console.log(JSON.stringify({ rows, timeToGoal: timeToGoalResult ?? null }));
