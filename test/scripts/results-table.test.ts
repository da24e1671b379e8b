/** How `npm run results` rewrites one line of docs/results.md's table. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { adapterName, duration, replaceRow, resultRows, rowKey, tableLine } from "../../scripts/results-table.js";

const table = ["intro", "<!-- results:begin -->", "| row | what |", "| --- | --- |", "| 1 | a |", "| 3 | c |", "| F1 | fa |", "<!-- results:end -->", "notes"].join("\n");

describe("results table", () => {
  it("replaces the row with the same key and keeps the rest", () => {
    const out = replaceRow(table, "3", "| 3 | new |");
    expect(out).toBe(table.replace("| 3 | c |", "| 3 | new |"));
  });
  it("adds a missing row in order: MNIST rows, fast-adam, then Fashion-MNIST rows", () => {
    const out = replaceRow(replaceRow(table, "2", "| 2 | b |"), "fast-adam", "| fast-adam | x |");
    expect(out.split("\n").slice(4, 9)).toEqual(["| 1 | a |", "| 2 | b |", "| 3 | c |", "| fast-adam | x |", "| F1 | fa |"]);
  });
  it("refuses a document without the markers", () => {
    expect(() => replaceRow("no table", "1", "| 1 |")).toThrow(/results:begin/);
  });
  it("writes durations, adapter names and a whole line", () => {
    expect([duration(58.4), duration(768), duration(3725)]).toEqual(["58 s", "12 min 48 s", "1 h 02 min"]);
    expect(adapterName("opengles: llvmpipe-llvm-15-0-6-256-bits (OpenGL ES 3.2 Mesa 22.3.6)")).toBe("llvmpipe");
    expect(adapterName("vulkan: NVIDIA H100 80GB HBM3 (driver 550)")).toBe("vulkan: NVIDIA H100 80GB HBM3");
    const row = resultRows.find((r) => r.id === "3")!;
    const m = { accuracy: 99.061, epochs: 5, batch: 10, seconds: 600, imagesPerSecond: 1234.4, adapter: "opengles: llvmpipe (x)", command: `dnnc train ${row.file} --data fashion_mnist` };
    expect(rowKey(row, "fashion_mnist")).toBe("F3");
    expect(tableLine(row, "fashion_mnist", m)).toBe("| F3 | two conv-pool | — | **99.06%** | `examples/mnist/3-two-conv-pool.dnn --data fashion_mnist` | 5 | 10 | 10 min 0 s | 1,234 | llvmpipe |");
  });
  it("names a file that exists for every row", () => {
    for (const r of resultRows) expect(() => readFileSync(r.file)).not.toThrow();
  });
});
