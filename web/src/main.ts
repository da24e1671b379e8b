/**
 * The page: edit a .dnn file, see its diagnostics, layer summary and kernels as you type, press
 * Train to train it on this browser's WebGPU with the CLI's own loop, watch the loss and accuracy,
 * and see predictions on test images. `?example=PATH&epochs=N&limit=N` preselects the form.
 */
import { CompileError, type CompiledModel } from "../../compiler/emit/compile.js";
import { deviceTarget } from "../../compiler/emit/target.js";
import { MissingRendererError } from "../../compiler/schedule/plan.js";
import type { ModelSummary } from "../../compiler/summary.js";
import { DATASETS } from "../../runtime/data/datasets.js";
import { RuntimeFailure } from "../../runtime/errors.js";
import { formatRate } from "../../runtime/progress.js";
import { trainInMemory } from "../../runtime/train/session.js";
import { chartSvg } from "./chart.js";
import { checkSource, compileChecked, type CheckOutcome } from "./check.js";
import { showPredictions } from "./digits.js";
import { DnnEditor } from "./editor.js";
import { examples } from "./examples.js";
import { escapeHtml } from "./highlight.js";
import { LossSeries } from "./series.js";
import { datasetOf, pageData, pageDevice } from "./training.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const params = new URLSearchParams(location.search);
const exampleSelect = $<HTMLSelectElement>("example");
const epochsInput = $<HTMLInputElement>("epochs");
const limitInput = $<HTMLInputElement>("limit");
const trainButton = $<HTMLButtonElement>("train");
const stopButton = $<HTMLButtonElement>("stop");
const kernelSelect = $<HTMLSelectElement>("kernel");
const editor = new DnnEditor($<HTMLTextAreaElement>("source"), $("colours"), $("marks"), $("gutter"), $("diagnostics"));

let path = "";
let outcome: CheckOutcome | undefined;
let compiled: CompiledModel | undefined;
let running: AbortController | undefined;

/** Shown to the user: one line, never a stack. */
function messageOf(e: unknown): string {
  if (e instanceof RuntimeFailure || e instanceof CompileError || e instanceof MissingRendererError) return e.message;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}

function setState(state: "idle" | "loading" | "training" | "done" | "stopped" | "failed", text: string): void {
  document.body.dataset["state"] = state;
  const status = $("status");
  status.textContent = text;
  status.className = state === "failed" ? "error" : "";
  updateButtons();
}

function updateButtons(): void {
  trainButton.disabled = running !== undefined || (outcome?.errors ?? 1) > 0;
  stopButton.disabled = running === undefined;
}

function log(line: string): void {
  const el = $("log");
  el.textContent += `${line}\n`;
  el.scrollTop = el.scrollHeight;
}

function summaryTable(s: ModelSummary): string {
  const n = (v: number) => v.toLocaleString("en-US");
  const rows = s.rows
    .map((r) => `<tr><td>${r.line}</td><td>${escapeHtml(r.layer)}</td><td>${escapeHtml(r.output)}</td><td class="num">${n(r.params)}</td><td class="num">${n(r.flops)}</td><td>${escapeHtml(r.note ?? "")}</td></tr>`)
    .join("");
  const total = s.trainableParams + s.nonTrainableParams;
  return (
    `<table class="summary" data-model="${escapeHtml(s.model)}"><caption>${escapeHtml(s.model)}</caption>` +
    `<thead><tr><th>line</th><th>layer</th><th>output</th><th>params</th><th>FLOPs</th><th></th></tr></thead><tbody>${rows}</tbody>` +
    `<tfoot><tr><td></td><td>total</td><td></td><td class="num">${n(total)}</td><td class="num">${n(s.flopsPerExample)}</td><td>${n(s.trainableParams)} trainable; ${(s.trainingBytes / 2 ** 20).toFixed(1)} MiB to train at batch ${s.batch}</td></tr></tfoot></table>`
  );
}

/** Compiles for the device when it is open (else for any adapter) and lists the kernels. */
async function showKernels(): Promise<void> {
  const at = outcome;
  if (!at || at.errors > 0) {
    compiled = undefined;
    kernelSelect.replaceChildren();
    $("wgsl").textContent = at ? "fix the errors above to see the kernels" : "";
    return;
  }
  try {
    const gpu = await pageDevice(log).catch(() => undefined);
    if (at !== outcome) return; // edited meanwhile
    compiled = compileChecked(at, gpu ? deviceTarget(gpu) : undefined);
  } catch (e) {
    compiled = undefined;
    kernelSelect.replaceChildren();
    $("wgsl").textContent = messageOf(e);
    return;
  }
  const m = compiled.manifest;
  const previous = kernelSelect.value;
  kernelSelect.replaceChildren(
    ...m.steps.train.map((name, i) => {
      const k = m.kernels.find((x) => x.name === name)!;
      return new Option(`${i + 1}. ${name} (${k.phase}, ${k.origin})`, name);
    }),
  );
  if (m.steps.train.includes(previous)) kernelSelect.value = previous;
  showWgsl();
}

function showWgsl(): void {
  $("wgsl").textContent = compiled?.code.get(kernelSelect.value) ?? "";
}

function check(): void {
  outcome = checkSource(editor.text, path, examples);
  editor.show(outcome.diagnostics);
  $("summary").innerHTML = outcome.summaries.map(summaryTable).join("");
  const e = outcome.errors;
  $("check").textContent = e > 0 ? `${e} error${e === 1 ? "" : "s"}` : outcome.diagnostics.length > 0 ? `ok, ${outcome.diagnostics.length} warning(s)` : "ok";
  $("check").className = e > 0 ? "error" : "ok";
  updateButtons();
  void showKernels();
}

function load(examplePath: string): void {
  path = examplePath;
  exampleSelect.value = examplePath;
  editor.text = examples.get(examplePath) ?? "";
  check();
}

async function train(): Promise<void> {
  const controller = new AbortController();
  running = controller;
  $("log").textContent = "";
  $("test-accuracy").textContent = "–";
  $("predictions").replaceChildren();
  try {
    setState("loading", "opening the WebGPU device");
    const gpu = await pageDevice(log);
    $("adapter").textContent = gpu.adapterDescription;
    if (!outcome) throw new CompileError("nothing to train");
    const model = compileChecked(outcome, deviceTarget(gpu));
    const manifest = model.manifest;
    const dataset = datasetOf(manifest.training.data);
    setState("loading", `loading ${dataset}`);
    const sets = await pageData("data", dataset);
    const epochs = epochsInput.value ? Number(epochsInput.value) : manifest.training.epochs;
    const limit = limitInput.value ? Number(limitInput.value) : undefined;
    let series = new LossSeries(1);
    const draw = () => ($("chart").innerHTML = chartSvg(series.points));
    draw();
    setState("training", `compiling ${manifest.kernels.length} kernels`);
    const result = await trainInMemory(
      { manifest, code: model.code },
      {
        device: gpu.device,
        data: sets,
        epochs,
        ...(limit !== undefined ? { limit } : {}),
        signal: controller.signal,
        onData: (d) => {
          series = new LossSeries(d.train.count);
          log(`training ${manifest.model} on ${gpu.adapterDescription}: ${d.train.count} examples, ${d.validation?.count ?? 0} for validation, batch ${manifest.batch}, ${epochs} epochs`);
        },
        io: {
          progressIntervalMs: 500,
          progress: {
            update: (p) => {
              const point = series.add(p);
              if (!point) return;
              draw();
              $("loss-now").textContent = point.loss.toFixed(4);
              $("accuracy-now").textContent = `${(point.accuracy * 100).toFixed(1)}%`;
              if (series.points.length === 1) $("loss-first").textContent = point.loss.toFixed(4);
              $("steps").textContent = `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.stepsPerEpoch}`;
              $("rate").textContent = formatRate(p.images / p.epochSeconds);
              setState("training", `training: epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.stepsPerEpoch}`);
            },
            log,
            finish: () => undefined,
          },
          record: () => undefined,
          saveCheckpoint: () => undefined,
        },
      },
    );
    if (result.testAccuracy !== undefined && result.predicted && result.data.test) {
      $("test-accuracy").textContent = `${(result.testAccuracy * 100).toFixed(2)}%`;
      showPredictions($("predictions"), result.data.test, result.predicted, DATASETS[dataset].classNames, 48);
    }
    running = undefined;
    const acc = result.testAccuracy !== undefined ? `, test accuracy ${(result.testAccuracy * 100).toFixed(2)}%` : "";
    setState(result.stopped ? "stopped" : "done", `${result.stopped ? "stopped" : "finished"}${acc}`);
  } catch (e) {
    running = undefined;
    setState("failed", messageOf(e));
  }
}

for (const p of examples.keys()) exampleSelect.append(new Option(p.replace(/^examples\//, ""), p));
exampleSelect.addEventListener("change", () => load(exampleSelect.value));
kernelSelect.addEventListener("change", showWgsl);
trainButton.addEventListener("click", () => void train());
stopButton.addEventListener("click", () => {
  running?.abort();
  $("status").textContent = "stopping after this step…";
});
let timer: ReturnType<typeof setTimeout> | undefined;
editor.onInput(() => {
  clearTimeout(timer);
  timer = setTimeout(check, 150);
});
if (params.get("epochs")) epochsInput.value = params.get("epochs")!;
if (params.get("limit")) limitInput.value = params.get("limit")!;
const first = params.get("example") ?? "examples/mnist/1-fc100-sigmoid.dnn";
load(examples.has(first) ? first : examples.keys().next().value!);
setState("idle", "ready");
pageDevice(log).then(
  (gpu) => ($("adapter").textContent = gpu.adapterDescription),
  (e) => ($("adapter").textContent = messageOf(e)),
);
