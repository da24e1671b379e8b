/** "Did you mean": optimal-string-alignment distance and the closeness limit, by hand. */
import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../compiler/suggest.js";

describe("editDistance", () => {
  it.each([
    ["dens", "dense", 1], // one insertion
    ["strid", "stride", 1],
    ["modle", "model", 1], // one transposition
    ["maks", "max", 2], // k → x, delete s
    ["kitten", "sitting", 3], // the textbook example
    ["", "abc", 3],
    ["abc", "", 3],
    ["same", "same", 0],
    ["ca", "abc", 3], // OSA, not unrestricted Damerau (which gives 2): a transposed pair is not edited again
  ] as const)("%s → %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("suggest", () => {
  const layers = ["input", "dense", "conv", "pool", "flatten", "dropout", "batchnorm", "relu", "sigmoid", "softmax"];
  it("finds the closest plausible word", () => {
    expect(suggest("dens", layers)).toBe("dense");
    expect(suggest("Dense", layers)).toBe("dense");
    expect(suggest("flaten", layers)).toBe("flatten");
    expect(suggest("batchnrom", layers)).toBe("batchnorm");
  });
  it("allows about one edit per three letters, at least one", () => {
    expect(suggest("cnv", layers)).toBe("conv"); // 1 edit, limit 1
    expect(suggest("maks", ["max"])).toBeUndefined(); // 2 edits, limit ⌊4/3⌋ = 1
    expect(suggest("averge", ["average"])).toBe("average"); // 1 edit, limit 2
    expect(suggest("xyz", layers)).toBeUndefined();
  });
  it("prefers the nearer of two candidates, and the first of equals", () => {
    expect(suggest("reli", ["relu", "reel"])).toBe("relu");
    expect(suggest("ab", ["ax", "xb"])).toBe("ax");
  });
});
