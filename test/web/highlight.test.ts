import { describe, expect, it } from "vitest";
import { highlightHtml, highlights, wrapRanges } from "../../web/src/highlight.js";

describe("the editor's highlighting", () => {
  it("classes each token of the compiler's lexer by what it is", () => {
    const text = 'model M {  # note\n  conv 20 filters 5x5 relu\n}\ntrain M {\n  optimizer sgd lr 0.1\n  data "a.idx"\n}\n';
    const got = highlights(text).map((h) => `${h.cls}:${text.slice(h.start, h.end)}`);
    expect(got).toEqual([
      "keyword:model", "name:M", "punct:{", "comment:# note",
      "layer:conv", "number:20", "name:filters", "dims:5x5", "layer:relu",
      "punct:}", "keyword:train", "name:M", "punct:{",
      "setting:optimizer", "name:sgd", "name:lr", "number:0.1",
      "setting:data", 'string:"a.idx"', "punct:}",
    ]);
  });

  it("keeps every character, escaped, including text the lexer rejects", () => {
    const text = "model <M> & {\n  dense 10 ¤\n}\n";
    const html = highlightHtml(text);
    const plain = html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(plain).toBe(`${text} `); // the space keeps the layer as tall as the textarea
    expect(html).toContain('<span class="tok-keyword">model</span> &lt;');
  });

  it("wraps ranges in order and skips one that overlaps the previous", () => {
    expect(wrapRanges("abcdef", [{ start: 1, end: 3, cls: "e" }, { start: 2, end: 4, cls: "w" }, { start: 4, end: 6, cls: "w" }], "d")).toBe(
      'a<span class="d-e">bc</span>d<span class="d-w">ef</span>',
    );
  });
});
