/**
 * The .dnn editor: a textarea whose text is transparent over two layers that show the same text —
 * one coloured by the lexer, one with each diagnostic's span underlined — and a gutter of line
 * numbers that marks the lines with diagnostics. The messages are listed under it by line.
 */
import type { PageDiagnostic } from "./check.js";
import { escapeHtml, highlightHtml, wrapRanges } from "./highlight.js";

export class DnnEditor {
  private diagnostics: readonly PageDiagnostic[] = [];

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly colours: HTMLElement,
    private readonly marks: HTMLElement,
    private readonly gutter: HTMLElement,
    private readonly list: HTMLElement,
  ) {
    textarea.addEventListener("input", () => this.redraw());
    textarea.addEventListener("scroll", () => this.syncScroll());
    textarea.addEventListener("keydown", (e) => {
      if (e.key !== "Tab") return;
      e.preventDefault(); // two spaces, as the examples indent
      const { selectionStart: s, selectionEnd: t, value } = textarea;
      textarea.value = value.slice(0, s) + "  " + value.slice(t);
      textarea.selectionStart = textarea.selectionEnd = s + 2;
      textarea.dispatchEvent(new Event("input"));
    });
    this.redraw();
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.diagnostics = [];
    this.redraw();
  }

  /** Calls `f` after each edit. */
  onInput(f: () => void): void {
    this.textarea.addEventListener("input", f);
  }

  /** Shows diagnostics (of the current text) as underlines, gutter marks and a list. */
  show(diagnostics: readonly PageDiagnostic[]): void {
    this.diagnostics = diagnostics;
    this.redraw();
    this.list.replaceChildren(
      ...diagnostics.map((d) => {
        const item = document.createElement("li");
        item.className = `diagnostic ${d.severity}`;
        item.dataset["line"] = String(d.line);
        item.dataset["code"] = d.code;
        item.innerHTML = `<button type="button" class="goto">line ${d.line}:${d.col}</button> <strong>${d.severity}[${escapeHtml(d.code)}]</strong> ${escapeHtml(d.message)}<details><summary>details</summary><pre>${escapeHtml(d.rendered)}</pre></details>`;
        item.querySelector("button")!.addEventListener("click", () => this.select(d.start, d.end));
        return item;
      }),
    );
  }

  private select(start: number, end: number): void {
    this.textarea.focus();
    this.textarea.setSelectionRange(start, end);
  }

  private redraw(): void {
    const text = this.textarea.value;
    this.colours.innerHTML = highlightHtml(text);
    // The spans of the diagnostics still inside the text, in order, without overlaps.
    const ranges = [...this.diagnostics]
      .filter((d) => d.end <= text.length)
      .sort((a, b) => a.start - b.start)
      .map((d) => ({ start: d.start, end: d.end, cls: d.severity === "warning" ? "warning" : "error" }));
    this.marks.innerHTML = wrapRanges(text, ranges, "diag") + (text.endsWith("\n") ? " " : "");
    const lines = text.split("\n").length;
    const marked = new Map<number, string>();
    for (const d of this.diagnostics) if (!marked.has(d.line) || d.severity !== "warning") marked.set(d.line, d.severity === "warning" ? "warning" : "error");
    const rows: string[] = [];
    for (let i = 1; i <= lines; i++) {
      const m = marked.get(i);
      rows.push(m ? `<div class="line ${m}" data-line="${i}" title="${escapeHtml(this.diagnostics.filter((d) => d.line === i).map((d) => d.message).join("\n"))}">${i}</div>` : `<div class="line">${i}</div>`);
    }
    this.gutter.innerHTML = rows.join("");
    this.syncScroll();
  }

  private syncScroll(): void {
    const { scrollTop, scrollLeft } = this.textarea;
    for (const el of [this.colours, this.marks]) {
      el.scrollTop = scrollTop;
      el.scrollLeft = scrollLeft;
    }
    this.gutter.scrollTop = scrollTop;
  }
}
