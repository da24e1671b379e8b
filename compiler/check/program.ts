/** Checking a whole program: top-level names, every model, every training specification. */
import type { BlockDecl, ModelDecl, Span, TrainDecl } from "../../grammar/ast.js";
import type { Diagnostic, Result } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import type { CheckedModel, CheckedProgram } from "../checked.js";
import type { Program } from "../load.js";
import { msg } from "../messages.js";
import { suggest } from "../suggest.js";
import { lineStarts, positionAt } from "../source.js";
import { layerDefs } from "../layers/index.js";
import { checkModel } from "./model.js";
import { checkTraining } from "./train.js";
import type { TrainingSpec } from "../train/spec.js";


/** Words that mean something inside layer statements; a block parameter may not shadow them. */
const reservedWords: ReadonlySet<string> = new Set(
  [...layerDefs.values()].flatMap((d) => [...Object.keys(d.args.options), ...Object.values(d.args.flags).flatMap((f) => [...f.words]), ...d.args.positional.flatMap((p) => [...(p.units ?? [])])]),
);

/** Check a loaded program; diagnostics come back sorted by position. */
export function checkProgram(program: Program): Result<CheckedProgram> {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const starts = new Map<string, number[]>();
  const where = (span: Span) => {
    const text = program.sources.get(span.file) ?? "";
    if (!starts.has(span.file)) starts.set(span.file, lineStarts(text));
    const p = positionAt(starts.get(span.file)!, span.start);
    return span.file === program.entry.path ? `line ${p.line}` : `${span.file}:${p.line}`;
  };
  const text = (span: Span) => (program.sources.get(span.file) ?? "").slice(span.start, span.end).replace(/\s+/g, " ").trim();

  // Blocks: from imports and the entry file; models and trainings: the entry file only.
  const blocks = new Map<string, BlockDecl>();
  const blockUse = new Map<string, boolean>();
  for (const file of [...program.imports, program.entry]) {
    for (const item of file.items) {
      if (item.kind !== "block") continue;
      const name = item.name.name;
      const prev = blocks.get(name);
      if (prev) report(msg.duplicate(item.name.span, "block", name, prev.name.span));
      else if (layerDefs.has(name)) report(msg.misplaced(item.name.span, `the name \`${name}\` for a block`, "because a built-in layer has it", "choose another name"));
      else blocks.set(name, item);
      if (file === program.entry && blocks.get(name) === item) blockUse.set(name, false);
      const seenParams = new Map<string, Span>();
      for (const p of item.params) {
        if (reservedWords.has(p.name.name)) report(msg.misplaced(p.name.span, `the parameter name \`${p.name.name}\``, "because it is a word layers use (an option, flag or unit)", `rename it, e.g. \`${p.name.name[0]}\` or \`${p.name.name}_\``));
        const first = seenParams.get(p.name.name);
        if (first) report(msg.duplicate(p.name.span, "parameter", p.name.name, first));
        seenParams.set(p.name.name, p.name.span);
      }
    }
  }
  const models = new Map<string, ModelDecl>();
  const trains: TrainDecl[] = [];
  for (const item of program.entry.items) {
    if (item.kind === "model") {
      const prev = models.get(item.name.name);
      if (prev) report(msg.duplicate(item.name.span, "model", item.name.name, prev.name.span));
      else models.set(item.name.name, item);
    } else if (item.kind === "train") trains.push(item);
  }

  const checked = new Map<string, CheckedModel>();
  for (const [name, decl] of models) {
    const m = checkModel(decl, { blocks, where, text, report });
    checked.set(name, m);
  }
  // A block counts as used when some model's statements name it (directly or through another block).
  const mark = (body: readonly import("../../grammar/ast.js").Stmt[], seen: Set<string>) => {
    for (const s of body) {
      if (s.kind === "repeat") mark(s.body, seen);
      else if (blocks.has(s.head.name) && !seen.has(s.head.name)) {
        seen.add(s.head.name);
        blockUse.set(s.head.name, true);
        mark(blocks.get(s.head.name)!.body, seen);
      }
    }
  };
  for (const decl of models.values()) mark(decl.body, new Set());
  const hasModels = models.size > 0;
  for (const [name, used] of blockUse) {
    if (!used && hasModels && !name.startsWith("_")) report(msg.unused(blocks.get(name)!.name.span, "block", name));
  }

  const trainings: TrainingSpec[] = [];
  const trainedBy = new Map<string, Span>();
  for (const t of trains) {
    const name = t.model.name;
    const model = checked.get(name);
    if (!model) report(msg.undefinedName(t.model.span, "model", name, suggest(name, models.keys()), models.size ? [] : ["`train NAME { … }` trains a model defined in the same file"]));
    const prev = trainedBy.get(name);
    if (prev) report(msg.twoTrainings(t.model.span, name, prev));
    else trainedBy.set(name, t.model.span);
    const spec = checkTraining(t, model, report);
    if (spec && model && !prev) trainings.push(spec);
  }
  return { value: { models: [...checked.values()], trainings }, diagnostics: sortDiagnostics(diagnostics) };
}
