/** The rows of docs/results.md's table and how one line of it is written (used by scripts/results.ts). */

export interface ResultRow {
  /** What `npm run results -- ID` names. */
  readonly id: string;
  readonly file: string;
  /** The seeds' MNIST figure, when the seeds give one. */
  readonly seeds?: string;
  readonly what: string;
}

export const resultRows: readonly ResultRow[] = [
  { id: "1", file: "examples/mnist/1-fc100-sigmoid.dnn", seeds: "97.80%", what: "FC 100 sigmoid" },
  { id: "2", file: "examples/mnist/2-one-conv-pool.dnn", seeds: "98.78%", what: "one conv-pool" },
  { id: "3", file: "examples/mnist/3-two-conv-pool.dnn", seeds: "99.06%", what: "two conv-pool" },
  { id: "4", file: "examples/mnist/4-relu-l2.dnn", seeds: "99.23%", what: "ReLU, L2" },
  { id: "5", file: "examples/mnist/5-expanded-data.dnn", seeds: "99.37%", what: "+ 1-pixel shifts" },
  { id: "6", file: "examples/mnist/6-larger-fc.dnn", seeds: "99.46%", what: "FC 300" },
  { id: "7", file: "examples/mnist/7-dropout.dnn", seeds: "99.60%", what: "2 × FC 1000, dropout" },
  { id: "8", file: "examples/mnist/8-ensemble.dnn", seeds: "99.67%", what: "vote of five" },
  { id: "fast-adam", file: "examples/mnist/fast-adam.dnn", what: "row 4's network, Adam" },
  { id: "one-epoch", file: "examples/mnist/one-epoch.dnn", what: "row 4's network, one epoch" },
];

export interface Measured {
  readonly accuracy: number;
  readonly epochs: number;
  readonly batch: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  readonly adapter: string;
  readonly command: string;
}

/** The key in the table's first column: the row id, prefixed with F for Fashion-MNIST. */
export function rowKey(row: ResultRow, data: string): string {
  return data === "fashion_mnist" ? `F${row.id}` : row.id;
}

/** "12 min 48 s", "58 s", "1 h 02 min". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** The adapter's short name: "llvmpipe" for Mesa's, else the description up to its first parenthesis. */
export function adapterName(description: string): string {
  if (/llvmpipe/i.test(description)) return "llvmpipe";
  return description.replace(/\s*\(.*$/, "").trim();
}

/** One markdown table line: key | what | seeds | measured | file | epochs | batch | wall time | images/s | adapter. */
export function tableLine(row: ResultRow, data: string, m: Measured): string {
  const seeds = data === "mnist" ? (row.seeds ?? "—") : "—";
  const cells = [
    rowKey(row, data),
    row.what,
    seeds,
    `**${m.accuracy.toFixed(2)}%**`,
    `\`${m.command.replace(/^dnnc train /, "")}\``,
    String(m.epochs),
    String(m.batch),
    duration(m.seconds),
    Math.round(m.imagesPerSecond).toLocaleString("en-US"),
    adapterName(m.adapter),
  ];
  return `| ${cells.join(" | ")} |`;
}

const begin = "<!-- results:begin -->";
const end = "<!-- results:end -->";

/** Replaces the line whose first cell is `key` between the table markers, or adds it in key order. */
export function replaceRow(markdown: string, key: string, line: string): string {
  const a = markdown.indexOf(begin);
  const b = markdown.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/results.md has no ${begin} … ${end} table`);
  const lines = markdown.slice(a + begin.length, b).split("\n").filter((l) => l.trim() !== "");
  const header = lines.slice(0, 2);
  const body = lines.slice(2).filter((l) => firstCell(l) !== key);
  body.push(line);
  body.sort((x, y) => order(firstCell(x)) - order(firstCell(y)) || firstCell(x).localeCompare(firstCell(y)));
  return markdown.slice(0, a + begin.length) + "\n" + [...header, ...body].join("\n") + "\n" + markdown.slice(b);
}

function firstCell(line: string): string {
  return line.split("|")[1]?.trim() ?? "";
}

/** MNIST rows 1…8, then fast-adam, then Fashion-MNIST rows. */
function order(key: string): number {
  const fashion = key.startsWith("F") ? 100 : 0;
  const id = fashion ? key.slice(1) : key;
  const n = Number(id);
  return fashion + (Number.isInteger(n) ? n : 50);
}
