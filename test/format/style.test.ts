/** The canonical style, case by case: each input with the output written out by hand. */
import { describe, expect, it } from "vitest";
import { formatAndCheck } from "./helpers.js";

const cases: [string, string, string][] = [
  ["spaces and separators inside a one-line body", "model  A{input vector 784;dense 100 relu ;   dense 10 softmax}", "model A { input vector 784; dense 100 relu; dense 10 softmax }\n"],
  ["a body over several lines is re-indented by 2", "model A {\ninput vector 4\n      dense 2\n}\n", "model A {\n  input vector 4\n  dense 2\n}\n"],
  ["`;` in a body over several lines becomes a line break", "model A {\n  input vector 4; dense 2 ;relu\n}\n", "model A {\n  input vector 4\n  dense 2\n  relu\n}\n"],
  ["a body written on one line stays on one line, even if it started on several", "model A { input vector 4\n  dense 2 }\n", "model A { input vector 4; dense 2 }\n"],
  ["empty bodies", "model A {\n}\ntrain A { }\nblock g ( ) {\n\n}\n", "model A {}\ntrain A {}\nblock g() {}\n"],
  ["arrows keep their chain and their glyph", "model A {\n  input vector 4→dense 2   ->relu\n  dense 2\n}\n", "model A {\n  input vector 4 → dense 2 -> relu\n  dense 2\n}\n"],
  ["an arrow chain in a one-line body", "model B { input vector 784 -> dense 100 relu -> dense 10 softmax }", "model B { input vector 784 -> dense 100 relu -> dense 10 softmax }\n"],
  ["an arrow split over lines joins up", "model A {\n  input vector 4\n  -> dense 2\n}\n", "model A {\n  input vector 4 -> dense 2\n}\n"],
  ["blank lines: runs collapse to one, none at the edges", "\n\nmodel A {\n\n  input vector 4\n\n\n  dense 2\n\n}\n\n\n\nmodel B {}\n\n\n", "model A {\n  input vector 4\n\n  dense 2\n}\n\nmodel B {}\n"],
  ["items on one line go on lines of their own", "model A {}; model B {} -> import \"x.dnn\"", 'model A {}\nmodel B {}\nimport "x.dnn"\n'],
  ["commas between arguments stay where written, one after the last goes", "model A {\n  add a ,b\n  concat a b,\n  add a,b, c\n}\n", "model A {\n  add a, b\n  concat a b\n  add a, b, c\n}\n"],
  ["words run together are separated", 'model A {\n  dense 100relu\n  data"a.csv"\n  pool max 5x5x\n}\n', 'model A {\n  dense 100 relu\n  data "a.csv"\n  pool max 5x5 x\n}\n'],
  ["named values", "model A {\n  skip=identity\n  x  =  conv 8 3x3\n}\n", "model A {\n  skip = identity\n  x = conv 8 3x3\n}\n"],
  ["lists", "model A {\n  conv 8 3x3 padding [ 1,1 ,0, 0 ]\n  sweep grid lr [ ] l2 [[1,2], 3]\n}\n", "model A {\n  conv 8 3x3 padding [1, 1, 0, 0]\n  sweep grid lr [] l2 [[1, 2], 3]\n}\n"],
  [
    "expressions: no spaces, parentheses where grouping needs them and between * and /",
    "block f(c) {\n  conv ( c * 2 ) / 4 filters 1x1\n  dense c*(2*3)\n  dense ((c))\n  dense c/2*3\n  dense c*2*3\n  dense (c*2)*3\n  dense 1 / .5\n}\n",
    "block f(c) {\n  conv (c*2)/4 filters 1x1\n  dense c*(2*3)\n  dense c\n  dense (c/2)*3\n  dense c*2*3\n  dense c*2*3\n  dense 1/.5\n}\n",
  ],
  ["numbers, sizes and strings keep their spelling", 'model A {\n  conv 8 5×5 init constant -1\n  optimizer adam lr 1e-3 eps 2.5E+2 beta1 .9 beta2 1.\n  data csv "q\\"x\\\\" test "a # b"\n}\n', 'model A {\n  conv 8 5×5 init constant -1\n  optimizer adam lr 1e-3 eps 2.5E+2 beta1 .9 beta2 1.\n  data csv "q\\"x\\\\" test "a # b"\n}\n'],
  ["block parameters", "block f( a , b=1,s = \"x\" ) {dense a}", 'block f(a, b = 1, s = "x") { dense a }\n'],
  ["imports", 'import   "../blocks/conv-pool.dnn"', 'import "../blocks/conv-pool.dnn"\n'],
  ["nested repeats", "model A {\n  repeat 2 {residual 16}\n  repeat (3) {\n  dense 4\n  repeat 2 { relu; dropout 0.5 }\n  }\n}\n", "model A {\n  repeat 2 { residual 16 }\n  repeat 3 {\n    dense 4\n    repeat 2 { relu; dropout 0.5 }\n  }\n}\n"],
  ["Windows line ends become \\n", "model A {\r\n  input vector 4\r\n\r\n  dense 2\r\n}\r\n", "model A {\n  input vector 4\n\n  dense 2\n}\n"],
  ["an empty file stays empty", "", ""],
  ["a file of blank lines becomes empty", "\n \n\t\n", ""],
];

describe("canonical style", () => {
  for (const [name, input, expected] of cases) {
    it(name, async () => expect(await formatAndCheck(input)).toBe(expected));
  }
});

describe("long lines (print width 100)", () => {
  /** A one-line model whose text is exactly `n` characters long. */
  function modelOfWidth(n: number): string {
    const head = "model A { input vector 4; dense ";
    const tail = " }";
    const units = "1".repeat(n - head.length - tail.length);
    return head + units + tail;
  }

  it("a one-line body of exactly 100 characters stays on one line", async () => {
    const text = modelOfWidth(100);
    expect(text).toHaveLength(100);
    expect(await formatAndCheck(text)).toBe(text + "\n");
  });

  it("a one-line body of 101 characters breaks into one statement per line", async () => {
    const text = modelOfWidth(101);
    const units = text.slice("model A { input vector 4; dense ".length, -2);
    expect(await formatAndCheck(text)).toBe(`model A {\n  input vector 4\n  dense ${units}\n}\n`);
  });

  it("an inner one-line body breaks when its line would pass 100 columns, the outer one first", async () => {
    const inner = "repeat 2 { dense 1000 relu; dropout 0.5; dense 1000 relu; dropout 0.5; dense 1000 relu; dropout 0.5 }";
    expect(2 + inner.length).toBeGreaterThan(100);
    const out = await formatAndCheck(`model A { input vector 784; ${inner} }`);
    expect(out).toBe(
      "model A {\n  input vector 784\n  repeat 2 {\n    dense 1000 relu\n    dropout 0.5\n    dense 1000 relu\n    dropout 0.5\n    dense 1000 relu\n    dropout 0.5\n  }\n}\n",
    );
  });

  it("a chain that does not fit breaks after each arrow, continuation lines indented", async () => {
    const chain = ["input vector 784", "dense 1000 relu", "dropout 0.5", "dense 1000 relu", "dropout 0.5", "dense 1000 relu", "dense 10 softmax"];
    expect(2 + chain.join(" -> ").length).toBeGreaterThan(100);
    const out = await formatAndCheck(`model A {\n  ${chain.join(" -> ")}\n}\n`);
    expect(out).toBe(`model A {\n  ${chain.join(" ->\n    ")}\n}\n`);
  });

  it("a statement longer than the line stays whole: statements cannot continue on the next line", async () => {
    const long = `data idx images "${"i".repeat(60)}" labels "${"l".repeat(60)}"`;
    expect(await formatAndCheck(`train A {\n  ${long}\n}\n`)).toBe(`train A {\n  ${long}\n}\n`);
  });
});
