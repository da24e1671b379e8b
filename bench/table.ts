/** The benchmark's printed results: the table of peers and the one-line JSON summary of a quick run. */
import { table } from "../cli/table.js";
import { formatMemory } from "./memory.js";
import { modelById } from "./models.js";
import type { Planned } from "./plan.js";
import type { PeerName, PeerResult } from "./protocol.js";
import { median, minMax } from "./stats.js";

/** A row of the table: a peer's result, or a configuration the plan left out. */
export type Row = PeerResult | Extract<Planned, { skip: unknown }>["skip"];

function rate(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3);
}

/** Median images/s of a successful result, else undefined. */
export function medianRate(r: Row): number | undefined {
  return "ok" in r && r.ok ? median(r.windowRates) : undefined;
}

/**
 * The table: one line per peer, model and batch size, with notes numbered below it. `header`
 * lines (machine, load) come first.
 */
export function renderTable(rows: readonly Row[], header: readonly string[]): string {
  const notes: string[] = [];
  const noteRefs = (texts: readonly string[]) =>
    texts
      .map((t) => {
        let i = notes.indexOf(t);
        if (i < 0) i = notes.push(t) - 1;
        return `[${i + 1}]`;
      })
      .join("");
  const body = rows.map((r) => {
    const cells = [modelById(r.model).id, String(r.batch), r.peer];
    if (!("ok" in r)) return [...cells, "—", "", "", "", "", `skipped ${noteRefs([r.reason])}`];
    if (!r.ok) return [...cells, "—", "", "", "", "", `failed ${noteRefs([r.error])}`];
    const { min, max } = minMax(r.windowRates);
    const acc = r.accuracy === null ? "—" : `${(r.accuracy * 100).toFixed(2)}% after ${r.imagesTrained.toLocaleString("en-US")}`;
    return [...cells, rate(median(r.windowRates)), `${rate(min)}–${rate(max)}`, `${(r.firstStepMs / 1000).toFixed(2)} s`, formatMemory(r.peakRssBytes), acc, `${r.device} ${noteRefs(r.notes)}`.trim()];
  });
  const columns = ["model", "batch", "peer", "images/s", "min–max", "first step", "peak RSS", "test accuracy after N images", "where / notes"];
  const right = [false, true, false, true, true, true, true, true, false];
  return [...header, "", table(columns, body, right), "", ...notes.map((n, i) => `[${i + 1}] ${n}`)].join("\n");
}

/** The quick run's last line: ours at the CNN, batch 64, and ours ÷ each peer measured in the same run. */
export interface QuickLine {
  readonly ours_images_per_s: number | null;
  readonly ratio_vs_tfjs_webgpu: number | null;
  readonly ratio_vs_tfjs_wasm: number | null;
  readonly ratio_vs_torch_cpu: number | null;
}

export function quickLine(rows: readonly Row[], model = "cnn", batch = 64): QuickLine {
  const at = (peer: PeerName) => {
    const r = rows.find((x) => x.peer === peer && x.model === model && x.batch === batch);
    return r ? medianRate(r) : undefined;
  };
  const ours = at("ours");
  const ratio = (peer: PeerName) => {
    const theirs = at(peer);
    return ours !== undefined && theirs !== undefined && theirs > 0 ? Number((ours / theirs).toFixed(3)) : null;
  };
  return {
    ours_images_per_s: ours === undefined ? null : Number(ours.toFixed(1)),
    ratio_vs_tfjs_webgpu: ratio("tfjs-webgpu"),
    ratio_vs_tfjs_wasm: ratio("tfjs-wasm"),
    ratio_vs_torch_cpu: ratio("torch-cpu"),
  };
}
