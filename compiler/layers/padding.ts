/** The `padding` option shared by conv and pool: `valid | same | full | N | [before, after, …]`. */
import type { ValueType } from "../check/values.js";
import { evalNumber, word } from "../check/values.js";
import { msg } from "../messages.js";

/** Padding as written; explicit values are checked against the input rank later. */
export type PaddingArg = { readonly mode: "valid" | "same" | "full" } | { readonly mode: "explicit"; readonly values: readonly number[] };

export const paddingValue: ValueType<PaddingArg> = {
  describe: "`valid`, `same`, `full`, a whole number, or a list [top, bottom, left, right]",
  take(args, i, what, at, ctx) {
    const a = args[i];
    if (a?.kind === "name") {
      const w = word(["valid", "same", "full"] as const).take(args, i, what, at, ctx);
      return { value: w.value === undefined ? undefined : { mode: w.value }, next: w.next };
    }
    const items = a?.kind === "list" ? a.items : a ? [a] : [];
    const values = items.map(evalNumber);
    if (!a || values.length === 0 || values.some((v) => v === undefined || !Number.isInteger(v) || v < 0)) {
      ctx.report(msg.wrongType(a?.span ?? at, what, "`valid`, `same`, `full`, a whole number ≥ 0, or a list like [1, 1, 2, 2]", a ? "something else" : "nothing"));
      return { value: undefined, next: a ? i + 1 : i };
    }
    return { value: { mode: "explicit", values: values as number[] }, next: i + 1 };
  },
};
