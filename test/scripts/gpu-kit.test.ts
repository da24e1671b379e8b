import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryArgs, ROOT } from "../../bench/entry.js";

describe("bench entry points: tsx from the repository, plain node in the GPU kit", () => {
  it("from sources, a .ts entry runs through tsx", () => {
    expect(entryArgs("bench/ours.ts", false)).toEqual(["--import", "tsx", join(ROOT, "bench/ours.ts")]);
  });
  it("bundled, the same entry is the .js bundle at the same path", () => {
    expect(entryArgs("bench/peers/tfjs.ts", true)).toEqual([join(ROOT, "bench/peers/tfjs.js")]);
    expect(entryArgs("cli/main.ts", true)).toEqual([join(ROOT, "cli/main.js")]);
  });
  it("an entry not named by its .ts source is a programming error", () => {
    expect(() => entryArgs("bench/ours.js")).toThrow(/named by their \.ts source/);
  });
});
