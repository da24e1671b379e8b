/**
 * The Prettier plugin for `.dnn` files: our parser (grammar/parse.ts) with the comments attached
 * (comments.ts), and a printer that builds Prettier documents (print.ts). Use it with Prettier's
 * API, `prettier.format(text, { parser: "dnn", plugins: [dnnPlugin] })`, or from the command line,
 * `prettier --plugin dnnc/dist/format/plugin.js model.dnn`; `dnnc fmt` uses it through index.ts.
 */
import type { Plugin, Printer as PrettierPrinter } from "prettier";
import { parseSource } from "../grammar/parse.js";
import { lineStarts, positionAt } from "../compiler/source.js";
import { attach, type Sequence } from "./comments.js";
import { Printer } from "./print.js";

/** What the parser hands Prettier: the whole file, comments attached. */
export interface DnnRoot {
  readonly kind: "dnn-root";
  readonly tree: Sequence;
  readonly length: number;
}

/** A syntax error, with the location Prettier shows in its code frame. */
export class DnnSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number } },
  ) {
    super(message);
    this.name = "DnnSyntaxError";
  }
}

/** Parse for printing; throws a DnnSyntaxError at the first syntax error. */
export function parseForPrinting(text: string, path = "input.dnn"): DnnRoot {
  const parsed = parseSource(path, text);
  const first = parsed.diagnostics[0];
  if (first) {
    const at = positionAt(lineStarts(text), first.span.start);
    throw new DnnSyntaxError(`${first.message} (${first.code})`, { start: { line: at.line, column: at.col } });
  }
  return { kind: "dnn-root", tree: attach(parsed.value, text), length: text.length };
}

const printer: PrettierPrinter<DnnRoot> = {
  print(path, options) {
    return new Printer({ printWidth: options.printWidth, tabWidth: options.tabWidth }).file(path.node.tree);
  },
  // The printer walks the tree itself; Prettier has nothing to visit.
  getVisitorKeys: () => [],
};

export const dnnPlugin: Plugin<DnnRoot> = {
  languages: [{ name: "dnn", parsers: ["dnn"], extensions: [".dnn"], vscodeLanguageIds: ["dnn"] }],
  parsers: {
    dnn: {
      parse: (text, options) => parseForPrinting(text, options.filepath),
      astFormat: "dnn",
      locStart: () => 0,
      locEnd: (node) => node.length,
    },
  },
  printers: { dnn: printer },
  defaultOptions: { printWidth: 100, tabWidth: 2, useTabs: false },
};

export default dnnPlugin;
