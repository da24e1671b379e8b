/** `npm run bench`: every benchmark, a table last. */
import { generatedConvModel, generatedResidualModel, timeCheck } from "./check-large.js";

const rows = [timeCheck("chain of conv/batchnorm/relu", generatedConvModel(1000)), timeCheck("residual blocks via repeat", generatedResidualModel(1000))];

const header = ["benchmark", "layers", "median ms", "min–max ms", "target"];
const body = rows.map((r) => [`check: ${r.name}`, String(r.layers), r.medianMs.toFixed(1), `${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)}`, r.medianMs < 1000 ? "< 1000 ms ✓" : "< 1000 ms ✗"]);
const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c]!)).join("  ");
console.log(line(header));
console.log(widths.map((w) => "─".repeat(w)).join("  "));
for (const r of body) console.log(line(r));
