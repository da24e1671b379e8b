/** Comments: every one is kept, where it belongs, with end-of-line comments keeping their column. */
import { describe, expect, it } from "vitest";
import { formatAndCheck } from "./helpers.js";

const cases: [string, string, string][] = [
  [
    "a header, a blank line, a comment above an item, a comment at the end",
    "# header\n# second line\n\n\n# about A\nmodel A {}\n# end\n",
    "# header\n# second line\n\n# about A\nmodel A {}\n# end\n",
  ],
  [
    "own-line comments take the indentation of the statement they precede",
    "model A {\n# input\n      input vector 4\n\n        # the layer\n  dense 2\n}\n",
    "model A {\n  # input\n  input vector 4\n\n  # the layer\n  dense 2\n}\n",
  ],
  ["a comment before `}` stays in the body", "model A {\n  input vector 4\n\n      # to do\n}\n", "model A {\n  input vector 4\n\n  # to do\n}\n"],
  ["a body holding only a comment", "model A {\n# nothing yet\n}\n", "model A {\n  # nothing yet\n}\n"],
  ["a comment after `{` stays there and keeps the body on several lines", "model A {   # opening\n  input vector 4\n}\n", "model A {   # opening\n  input vector 4\n}\n"],
  ["a comment after `{` of a one-line body breaks it", "model A { # why\n input vector 4; dense 2 }\n", "model A { # why\n  input vector 4\n  dense 2\n}\n"],
  // Column 25 of a line indented 0 → column 27 of a line indented 2.
  ["a comment inside a one-line body breaks it", "model A { input vector 4 # four\n dense 2 }\n", "model A {\n  input vector 4           # four\n  dense 2\n}\n"],
  [
    "end-of-line comments that were aligned stay aligned when the code before them shrinks",
    "model A {\n  dense    100   relu   # a\n  dense 10 softmax      # b\n}\n",
    "model A {\n  dense 100 relu        # a\n  dense 10 softmax      # b\n}\n",
  ],
  [
    "columns count from the line's indentation, so re-indenting keeps the alignment",
    "model A {\n        flatten           # a\n        dense 10 softmax  # b\n}\n",
    "model A {\n  flatten           # a\n  dense 10 softmax  # b\n}\n",
  ],
  ["a comment the code has grown into moves to one space after it", "model A {\n  add a,b,c # a\n  dense 1#b\n}\n", "model A {\n  add a, b, c # a\n  dense 1 #b\n}\n"],
  ["a comment that would pass the print width moves next to the code", `model A {\n  dense 1${" ".repeat(95)}# far\n}\n`, "model A {\n  dense 1 # far\n}\n"],
  ["after `}` of an item and of a one-line repeat", "model A {\n  repeat 2 { relu }   # twice\n}  # A\n", "model A {\n  repeat 2 { relu }   # twice\n}  # A\n"],
  ["after `}` of a repeat that breaks", "model A {\n  repeat 2 {\n    relu\n  }   # twice\n}\n", "model A {\n  repeat 2 {\n    relu\n  }   # twice\n}\n"],
  ["after a separator", "model A {\n  input vector 4;   # four\n  dense 2 ->  # two\n  relu\n}\n", "model A {\n  input vector 4    # four\n  dense 2 ->  # two\n    relu\n}\n"],
  ["before the arrow of a chain", "model A {\n  input vector 4 # four\n  -> dense 2\n}\n", "model A {\n  input vector 4 -> # four\n    dense 2\n}\n"],
  ["an own-line comment inside a chain", "model A {\n  input vector 4 ->\n  # then\n  dense 2\n}\n", "model A {\n  input vector 4 ->\n    # then\n    dense 2\n}\n"],
  ["arrows, braces and separators inside comments are only text", "model A {\n  input vector 4 # -> { ; }\n  dense 2 # →\n}\n", "model A {\n  input vector 4 # -> { ; }\n  dense 2 # →\n}\n"],
  ["blanks ending a comment go; its text stays as written", "#no space  \t\nmodel A {}   #   spaced   \n", "#no space\nmodel A {}   #   spaced\n"],
  ["a comment after an import", 'import "a.dnn"  # blocks\nimport "b.dnn" # more\n', 'import "a.dnn"  # blocks\nimport "b.dnn" # more\n'],
  ["comments in nested bodies", "block b(c) {\n  repeat c {   # c times\n    # a layer\n    dense c   # c units\n  }\n}\n", "block b(c) {\n  repeat c {   # c times\n    # a layer\n    dense c   # c units\n  }\n}\n"],
  ["a file of comments only", "\n  # one\n\n\n   # two\n", "# one\n\n# two\n"],
];

describe("comments", () => {
  for (const [name, input, expected] of cases) {
    it(name, async () => expect(await formatAndCheck(input)).toBe(expected));
  }
});
