/** Checking a `train` block: each setting's arguments, what is required, and fit with the model. */
import type { Span, TrainDecl } from "../../grammar/ast.js";
import type { Diagnostic } from "../diagnostics.js";
import type { CheckedModel, LayerNode } from "../checked.js";
import { msg } from "../messages.js";
import { suggest } from "../suggest.js";
import { describeShape, formatShape } from "../shape.js";
import { layerDefs } from "../layers/index.js";
import { matchArgs, get, type MatchedArgs } from "./args.js";
import { augmentOptions, dataOptions, optimizerOptions, scheduleOptions, settings } from "../train/settings.js";
import { builtinData, type AugmentSpec, type DataSource, type Loss, type Metric, type OptimizerSpec, type ScheduleSpec, type SweepKey, type TrainingSpec } from "../train/spec.js";

type Report = (d: Diagnostic) => void;

/** Options given that this kind does not take: `optimizer sgd beta1 0.9`. */
function onlyFor(m: MatchedArgs, allowed: readonly string[], all: readonly string[], head: string, kind: string, report: Report): void {
  for (const k of all) {
    const got = m.get(k);
    if (got && !allowed.includes(k)) report(msg.unknownWord(got.span, k, `${head} ${kind}`, undefined, allowed));
  }
}

function optimizer(m: MatchedArgs, span: Span, report: Report): OptimizerSpec | undefined {
  const kind = get<keyof typeof optimizerOptions>(m, "kind");
  if (!kind) return undefined;
  onlyFor(m, optimizerOptions[kind], Object.keys(settings.optimizer!.options), "optimizer", kind, report);
  const lr = get<number>(m, "lr");
  if (lr === undefined && kind !== "adadelta") {
    report(msg.missingArg(span, `optimizer ${kind}`, "a learning rate", `optimizer ${kind} lr ${kind === "adam" || kind === "rmsprop" ? "0.001" : "0.1"}`));
    return undefined;
  }
  const n = (k: string, d: number) => get<number>(m, k) ?? d;
  switch (kind) {
    case "sgd":
      return { kind, lr: lr! };
    case "momentum":
    case "nesterov":
      return { kind, lr: lr!, momentum: n("momentum", 0.9) };
    case "adagrad":
      return { kind, lr: lr!, eps: n("eps", 1e-8) };
    case "adadelta":
      return { kind, lr: lr ?? 1, rho: n("rho", 0.95), eps: n("eps", 1e-6) };
    case "rmsprop":
      return { kind, lr: lr!, rho: n("rho", 0.9), eps: n("eps", 1e-8) };
    case "adam":
      return { kind, lr: lr!, beta1: n("beta1", 0.9), beta2: n("beta2", 0.999), eps: n("eps", 1e-8) };
  }
}

function schedule(m: MatchedArgs, report: Report): ScheduleSpec | undefined {
  const kind = get<keyof typeof scheduleOptions>(m, "kind");
  if (!kind) return undefined;
  onlyFor(m, scheduleOptions[kind], Object.keys(settings.schedule!.options), "schedule", kind, report);
  const n = (k: string, d: number) => get<number>(m, k) ?? d;
  switch (kind) {
    case "constant":
      return { kind };
    case "step":
      return { kind, everyEpochs: n("every", 10), factor: n("factor", 0.1) };
    case "exponential":
      return { kind, gamma: n("gamma", 0.95) };
    case "cosine":
      return { kind, minFactor: n("min", 0) };
    case "plateau":
      return { kind, patience: n("patience", 10), factor: n("factor", 0.5), minFactor: n("min", 1 / 128), metric: get<Metric>(m, "on") ?? "val_accuracy" };
  }
}

function data(m: MatchedArgs, span: Span, report: Report): DataSource | undefined {
  const kind = get<keyof typeof dataOptions>(m, "source");
  if (!kind) return undefined;
  onlyFor(m, dataOptions[kind], Object.keys(settings.data!.options).filter((k) => k !== "path"), "data", kind, report);
  const s = (k: string) => get<string>(m, k);
  const classes = get<number>(m, "classes") ?? 10;
  if (kind !== "csv" && s("path")) report(msg.extraArg(m.get("path")!.span, `data ${kind}`, JSON.stringify(s("path")), kind === "mnist" || kind === "fashion_mnist" ? `data ${kind}` : `data ${kind} images "…" labels "…" [test_images "…" test_labels "…"]`));
  if (kind === "mnist" || kind === "fashion_mnist") return { kind };
  if (kind === "csv") {
    if (!s("path")) return void report(msg.missingArg(span, "data csv", "the training file", 'data csv "train.csv" test "test.csv"'));
    return { kind, train: s("path")!, test: s("test"), classes };
  }
  if (!s("images") || !s("labels")) return void report(msg.missingArg(span, `data ${kind}`, "the image and label files", `data ${kind} images "train-images.${kind}" labels "train-labels.${kind}"`));
  return { kind, images: s("images")!, labels: s("labels")!, testImages: s("test_images"), testLabels: s("test_labels"), classes };
}

function augment(m: MatchedArgs, span: Span, report: Report): AugmentSpec | undefined {
  const kind = get<keyof typeof augmentOptions>(m, "kind");
  if (!kind) return undefined;
  onlyFor(m, augmentOptions[kind], ["alpha", "sigma"], "augment", kind, report);
  const amount = get<number>(m, "amount");
  switch (kind) {
    case "shift":
      if (amount !== undefined && !Number.isInteger(amount)) return void report(msg.wrongType(m.get("amount")!.span, "the shift", "a whole number of pixels", String(amount)));
      return { kind, pixels: amount ?? 1 };
    case "rotate":
      if (amount === undefined) return void report(msg.missingArg(span, "augment rotate", "the largest angle in degrees", "augment rotate 10"));
      return { kind, degrees: amount };
    case "skew":
      if (amount === undefined) return void report(msg.missingArg(span, "augment skew", "the largest shear", "augment skew 0.2"));
      return { kind, amount };
    case "elastic":
      if (amount !== undefined) report(msg.extraArg(m.get("amount")!.span, "augment elastic", String(amount), "augment elastic alpha A sigma S"));
      return { kind, alpha: get<number>(m, "alpha") ?? 34, sigma: get<number>(m, "sigma") ?? 4 };
  }
}

/** The activation a model's output passes through last, if any. */
export function outputActivation(model: CheckedModel): string | undefined {
  let out: LayerNode | undefined = model.nodes[model.output];
  while (out?.kind === "flatten") out = model.nodes[out.inputs[0]!];
  if (!out) return undefined;
  if (out.kind === "activation") return (out.config as { fn: string }).fn;
  if (out.kind === "dense" || out.kind === "conv" || out.kind === "batchnorm") return (out.config as { activation?: string }).activation;
  return undefined;
}

/** Check one training specification; undefined when it is incomplete. */
export function checkTraining(decl: TrainDecl, model: CheckedModel | undefined, report: Report): TrainingSpec | undefined {
  const seen = new Map<string, Span>();
  const got: Record<string, MatchedArgs[]> = {};
  const ok = (d: Diagnostic) => report(d);
  for (const s of decl.body) {
    if (s.kind === "repeat") {
      report(msg.misplaced(s.span, "`repeat`", "in a `train` block", "repeat stacks layers inside a model or block"));
      continue;
    }
    const spec = settings[s.head.name];
    if (!spec) {
      if (layerDefs.has(s.head.name)) report(msg.misplaced(s.head.span, `the layer \`${s.head.name}\``, "in a `train` block", `layers belong in \`model ${decl.model.name} { … }\``));
      else report(msg.unknownHead(s.head.span, s.head.name, "training setting", suggest(s.head.name, Object.keys(settings)), Object.keys(settings)));
      continue;
    }
    if (s.target) report(msg.misplaced(s.target.span, "naming a setting", "in a `train` block"));
    const m = matchArgs(s.head, s.args, spec, { head: s.head.name, report: ok }, s.span);
    const key = spec.repeatable ? `${s.head.name}:${String(m.get("kind")?.value)}` : s.head.name;
    const prev = seen.get(key);
    if (prev) report(msg.duplicateOption(s.span, `train ${decl.model.name}`, key.replace(":", " "), prev));
    else seen.set(key, s.span);
    (got[s.head.name] ??= []).push(m);
  }
  const one = (k: string) => got[k]?.[0];
  const modelName = decl.model.name;
  const required: [string, string][] = [
    ["data", "data mnist"],
    ["loss", "loss log_likelihood"],
    ["optimizer", "optimizer sgd lr 0.1"],
    ["batch", "batch 10"],
    ["epochs", "epochs 60"],
  ];
  const absent = required.filter(([k]) => !one(k));
  const complete = absent.length === 0;
  if (!complete) report(msg.missingSetting(decl.model.span, modelName, absent.map(([k]) => k).join(", "), absent.map(([, e]) => e).join("`, `")));
  const spanOf = (k: string) => decl.body.find((s) => s.kind === "statement" && s.head.name === k)?.span ?? decl.span;
  const src = one("data") ? data(one("data")!, spanOf("data"), report) : undefined;
  const opt = one("optimizer") ? optimizer(one("optimizer")!, spanOf("optimizer"), report) : undefined;
  const sched: ScheduleSpec | undefined = one("schedule") ? schedule(one("schedule")!, report) : { kind: "constant" };
  const loss = one("loss") ? get<Loss>(one("loss")!, "kind") : undefined;
  const aug = (got["augment"] ?? []).map((m) => augment(m, spanOf("augment"), report));
  const validation = one("validation") ? get<number>(one("validation")!, "amount") ?? 0 : 0;
  if (validation >= 1 && !Number.isInteger(validation)) report(msg.wrongType(one("validation")!.get("amount")!.span, "a validation count", "a whole number (or a fraction below 1)", String(validation)));
  const stop = one("early_stop");
  const earlyStop = stop ? { patience: get<number>(stop, "patience") ?? 10, metric: get<Metric>(stop, "on") ?? "val_accuracy" } : undefined;
  const usesValidation = (earlyStop?.metric.startsWith("val_") ?? false) || (sched?.kind === "plateau" && sched.metric.startsWith("val_"));
  if (usesValidation && validation === 0) report(msg.missingSetting(stop ? spanOf("early_stop") : spanOf("schedule"), modelName, "validation split (a `val_` metric needs one)", "validation 10000"));
  const ens = one("ensemble");
  const ensemble = ens ? { members: get<number>(ens, "members") ?? 1, vote: get<"majority" | "average">(ens, "vote") ?? "majority" } : undefined;
  if (ensemble?.members === 1) report(msg.noEffect(spanOf("ensemble"), "an ensemble of 1 is a single network"));
  const sw = one("sweep");
  const sweepValues: Partial<Record<SweepKey, readonly number[]>> = {};
  for (const k of ["lr", "batch", "epochs", "l1", "l2", "momentum", "seed"] as const) {
    const v = sw ? get<number[]>(sw, k) : undefined;
    if (v) sweepValues[k] = v;
  }
  const sweepStmt = decl.body.find((s) => s.kind === "statement" && s.head.name === "sweep");
  const namesAny = sweepStmt?.kind === "statement" && sweepStmt.args.some((a) => a.kind === "name" && ["lr", "batch", "epochs", "l1", "l2", "momentum", "seed"].includes(a.name));
  if (sw && !namesAny) report(msg.missingArg(spanOf("sweep"), "sweep", "at least one hyper-parameter with values", "sweep grid lr [0.01, 0.03, 0.1]"));
  const reg = (kind: "l1" | "l2") => (got["regularize"] ?? []).filter((m) => get(m, "kind") === kind).map((m) => get<number>(m, "lambda") ?? 0)[0] ?? 0;

  if (model?.complete && src && loss) fitModel(decl, model, src, loss, report);
  if (!complete || !src || !opt || !sched || !loss || aug.some((a) => a === undefined)) return undefined;
  return {
    model: modelName,
    span: decl.span,
    data: src,
    validation,
    loss,
    optimizer: opt,
    schedule: sched,
    warmupEpochs: one("warmup") ? get<number>(one("warmup")!, "epochs") ?? 0 : 0,
    l1: reg("l1"),
    l2: reg("l2"),
    batch: get<number>(one("batch")!, "size")!,
    epochs: get<number>(one("epochs")!, "count")!,
    earlyStop,
    augment: aug as AugmentSpec[],
    ensemble,
    seed: one("seed") ? get<number>(one("seed")!, "value") ?? 0 : 0,
    sweep: sw ? { mode: get<"grid" | "random">(sw, "mode") ?? "grid", trials: get<number>(sw, "trials") ?? 10, values: sweepValues } : undefined,
  };
}

/** Does the model's input and output fit the data and the loss? */
function fitModel(decl: TrainDecl, model: CheckedModel, src: DataSource, loss: Loss, report: Report): void {
  const out = model.nodes[model.output]!;
  const input = model.nodes[0]!;
  const classes = src.kind === "mnist" || src.kind === "fashion_mnist" ? builtinData[src.kind].classes : src.classes;
  const act = outputActivation(model);
  const lossSpan = decl.body.find((s) => s.kind === "statement" && s.head.name === "loss")?.span ?? decl.span;
  if (loss === "log_likelihood" && act !== "softmax") {
    report(msg.lossMismatch(lossSpan, loss, "a softmax output", act ? `\`${act}\`` : `\`${out.head}\` without an activation`, "end the model with e.g. `dense 10 softmax`"));
  }
  if (loss === "cross_entropy" && act !== "sigmoid") {
    report(msg.lossMismatch(lossSpan, loss, "sigmoid outputs", act ? `\`${act}\`` : `\`${out.head}\` without an activation`, act === "softmax" ? "with a softmax output use `loss log_likelihood`" : "end the model with e.g. `dense 10 sigmoid`"));
  }
  if (out.shape.kind !== "vector" || out.shape.n !== classes) {
    report(msg.outputMismatch(out.span, `the model outputs ${describeShape(out.shape)}, but the data has ${classes} classes`, [`\`${decl.model.name}\` is trained on ${src.kind}`], `end the model with \`dense ${classes} softmax\``));
  }
  if (src.kind === "mnist" || src.kind === "fashion_mnist") {
    const [c, h, w] = builtinData[src.kind].shape;
    const s = input.shape;
    const fits = (s.kind === "image" && s.c === c && s.h === h && s.w === w) || (s.kind === "vector" && s.n === c * h * w);
    if (!fits) report(msg.outputMismatch(input.span, `the model's input is ${formatShape(s)}, but ${src.kind} images are ${c}×${h}×${w}`, [], `use \`input image ${c}x${h}x${w}\` (or \`input vector ${c * h * w}\`)`));
  }
}
