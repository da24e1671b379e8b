import { describe, expect, it } from "vitest";
import { parseResultLine, type PeerSuccess } from "../../bench/protocol.js";
import { quickLine, renderTable } from "../../bench/table.js";

const success = (peer: PeerSuccess["peer"], rates: number[], notes: string[] = []): PeerSuccess => ({
  ok: true,
  peer,
  model: "cnn",
  batch: 64,
  device: `${peer}-device`,
  firstStepMs: 1234,
  windowRates: rates,
  imagesTrained: 2112,
  accuracy: 0.9123,
  testImages: 2000,
  peakRssBytes: 300 * 2 ** 20,
  notes,
});

describe("the results table", () => {
  const text = renderTable(
    [
      success("ours", [400, 380, 420], ["shared note"]),
      success("tfjs-wasm", [90, 100, 80], ["shared note", "own note"]),
      { ok: false, peer: "tfjs-webgpu", model: "cnn", batch: 64, error: "no adapter" },
      { peer: "tfjs-cpu", model: "cnn", batch: 256, reason: "over budget" },
    ],
    ["HEADER LINE"],
  );
  const lines = text.split("\n");

  it("starts with the header and has one row per result", () => {
    expect(lines[0]).toBe("HEADER LINE");
    expect(lines.filter((l) => l.startsWith("cnn"))).toHaveLength(4);
  });
  it("shows the median and min–max of the windows, first step, memory and accuracy", () => {
    const ours = lines.find((l) => l.includes(" ours "))!;
    expect(ours).toMatch(/ 400 +380–420 +1\.23 s +300 MiB +91\.23% after 2,112 /);
    const wasm = lines.find((l) => l.includes("tfjs-wasm"))!;
    expect(wasm).toMatch(/ 90\.0 +80\.0–100 /);
  });
  it("numbers each distinct note once and refers to it from every row", () => {
    expect(lines.filter((l) => l.startsWith("[1] shared note"))).toHaveLength(1);
    expect(text).toContain("[2] own note");
    expect(lines.find((l) => l.includes("tfjs-wasm"))).toContain("[1][2]");
    expect(lines.find((l) => l.includes("tfjs-webgpu"))).toMatch(/failed \[3\]/);
    expect(text).toContain("[3] no adapter");
    expect(lines.find((l) => l.includes("tfjs-cpu"))).toMatch(/skipped \[4\]/);
  });
  it("aligns the columns: every row as long as the rule under the header, or longer only by its last column", () => {
    const rule = lines.find((l) => l.startsWith("─"))!;
    const lastColumn = rule.lastIndexOf(" ") + 1;
    for (const l of lines.filter((x) => x.startsWith("cnn"))) expect(l[lastColumn - 1]).toBe(" ");
  });
});

describe("the quick run's JSON line", () => {
  it("has ours in images/s and ours ÷ each peer, in that order of keys", () => {
    const line = quickLine([success("ours", [400, 380, 420]), success("tfjs-webgpu", [100, 98, 90]), success("tfjs-wasm", [500, 550, 540]), success("torch-cpu", [3600, 3500, 3700])]);
    expect(Object.keys(line)).toEqual(["ours_images_per_s", "ratio_vs_tfjs_webgpu", "ratio_vs_tfjs_wasm", "ratio_vs_torch_cpu"]);
    expect(line.ours_images_per_s).toBe(400);
    expect(line.ratio_vs_tfjs_webgpu).toBeCloseTo(400 / 98, 3);
    expect(line.ratio_vs_tfjs_wasm).toBeCloseTo(400 / 540, 3);
    expect(line.ratio_vs_torch_cpu).toBeCloseTo(400 / 3600, 3);
  });
  it("is null for a peer that failed or did not run (torch absent)", () => {
    const line = quickLine([success("ours", [400]), { ok: false, peer: "tfjs-webgpu", model: "cnn", batch: 64, error: "x" }]);
    expect(line).toEqual({ ours_images_per_s: 400, ratio_vs_tfjs_webgpu: null, ratio_vs_tfjs_wasm: null, ratio_vs_torch_cpu: null });
    expect(JSON.parse(JSON.stringify(line))).toEqual(line);
  });
  it("only counts the CNN at batch 64", () => {
    const other = { ...success("tfjs-wasm", [10]), batch: 10 };
    expect(quickLine([success("ours", [400]), other]).ratio_vs_tfjs_wasm).toBeNull();
  });
});

describe("reading a child's result", () => {
  it("takes the last JSON line with `ok`, ignoring banners and other JSON", () => {
    const out = ['Hi, looks like you are running TensorFlow.js', '{"a":1}', '{"ok":false,"peer":"ours","model":"cnn","batch":64,"error":"first"}', '{"ok":true,"peer":"ours"}', "{not json"].join("\n");
    expect(parseResultLine(out)).toEqual({ ok: true, peer: "ours" });
  });
  it("is undefined when there is none", () => {
    expect(parseResultLine("Segmentation fault\n")).toBeUndefined();
  });
});
