/**
 * Joins of several tensors. `add`: Y = Σ X_i, gradients dX_i = dY. `concat`: per example
 * Y = X_0 ‖ X_1 ‖ … (channel-major storage makes channel concatenation contiguous), gradients are
 * the matching slices of dY. Forward kernels bind at most 7 operands (8 storage bindings with Y),
 * so a join of more runs as several kernels over disjoint operand groups.
 */
import type { AddOp, ConcatOp, IrGraph, IrTensor } from "../ir/graph.js";
import type { Kernel, OpKernels, RenderContext } from "./kernel.js";
import { F32, dimsText, gradInputName, makeKernel, store, tensorOf, u32, u32c, type StorageVar } from "./common.js";

/** Operands one forward kernel binds besides Y. */
const OPERANDS_PER_KERNEL = 7;

function groups<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += OPERANDS_PER_KERNEL) out.push(items.slice(i, i + OPERANDS_PER_KERNEL));
  return out;
}

/** Kernels of an add op. */
export function renderAdd(op: AddOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const xs = op.xs.map((t) => tensorOf(g, t));
  const y = tensorOf(g, op.y);
  const elems = ctx.batch * y.size;
  const vec = elems % 4 === 0;
  const t = vec ? "vec4<f32>" : "f32";
  const n = vec ? elems / 4 : elems;
  const origin = ctx.where(op);
  const per = vec ? "one vec4 per invocation" : "one element per invocation";
  const names = xs.map((x) => x.name).join(" + ");
  const forward = groups(op.xs.map((id, k) => ({ id, k }))).map((group, gi) => {
    const vars: StorageVar[] = group.map(({ id, k }) => ({ name: `x${k}`, buffer: `act:${id}`, access: "read", type: t }));
    const terms = [...(gi > 0 ? ["y[i]"] : []), ...group.map(({ k }) => `x${k}[i]`)];
    return makeKernel(
      {
        name: `${op.name}_forward${gi > 0 ? gi + 1 : ""}`,
        phase: "forward",
        about: [`${y.name} = ${names} (${dimsText(y)})${gi > 0 ? `: operands ${group[0]!.k}…${group[group.length - 1]!.k} added to Y` : ""}`, per],
        vars: [...vars, { name: "y", buffer: `act:${op.y}`, access: "read_write", type: t }],
        invocations: n,
        body: `  y[i] = ${terms.join(" + ")};`,
        flops: elems * (terms.length - 1),
        bytes: elems * (terms.length + 1) * F32,
        fuses: [op.name],
        origin,
      },
      ctx,
    );
  });
  const input = (index: number, accumulate: boolean): Kernel[] => {
    if (!xs[index]) throw new Error(`bug: ${op.name} has no operand ${index}`);
    return [
      makeKernel(
        {
          name: gradInputName(op, index, true),
          phase: "backward",
          about: [`dX${index} = dY for ${y.name} = ${names}${accumulate ? ", added to dX" : ""}`, per],
          vars: [
            { name: "dy", buffer: `grad:${op.y}`, access: "read", type: t },
            { name: "dx", buffer: `grad:${op.xs[index]!}`, access: "read_write", type: t },
          ],
          invocations: n,
          body: `  ${store("dx", "i", "dy[i]", accumulate)}`,
          flops: accumulate ? elems : 0,
          bytes: elems * (accumulate ? 3 : 2) * F32,
          fuses: [op.name],
          origin,
        },
        ctx,
      ),
    ];
  };
  return { forward, params: [], input, aux: [] };
}

/** Kernels of a concat op. */
export function renderConcat(op: ConcatOp, g: IrGraph, ctx: RenderContext): OpKernels {
  const xs = op.xs.map((t) => tensorOf(g, t));
  const y = tensorOf(g, op.y);
  // vec4 when every operand's per-example size (hence every offset) is a multiple of 4.
  const lanes = xs.every((x) => x.size % 4 === 0) ? 4 : 1;
  const t = lanes === 4 ? "vec4<f32>" : "f32";
  const offsets: number[] = [];
  xs.reduce((off, x) => (offsets.push(off), off + x.size), 0);
  const origin = ctx.where(op);
  const per = lanes === 4 ? "one vec4 per invocation" : "one element per invocation";
  const names = xs.map((x: IrTensor) => `${x.name} (${dimsText(x)})`).join(" ‖ ");
  const yConst = u32c("Y_SIZE", y.size / lanes, `per example, in ${lanes === 4 ? "vec4s" : "floats"}`);

  const forward = groups(xs.map((x, k) => ({ x, k }))).map((group, gi) => {
    const size = group.reduce((s, { x }) => s + x.size, 0) / lanes;
    const constants = [yConst, u32c("GROUP_SIZE", size, "per example, the operands this kernel copies"), u32c("GROUP_OFFSET", offsets[group[0]!.k]! / lanes, "of those operands in each example of Y")];
    // The operands of a group are contiguous in Y, so only the source depends on j.
    let start = 0;
    const branches = group.map(({ x, k }, j) => {
      const sz = x.size / lanes;
      const read = `v = x${k}[n * ${u32(sz)} + j${start > 0 ? ` - ${u32(start)}` : ""}];`;
      const line = j === group.length - 1 ? (j === 0 ? read : ` else {\n    ${read}\n  }`) : `${j === 0 ? "" : " else "}if (j < ${u32(start + sz)}) {\n    ${read}\n  }`;
      start += sz;
      return line;
    });
    return makeKernel(
      {
        name: `${op.name}_forward${gi > 0 ? gi + 1 : ""}`,
        phase: "forward",
        about: [`${y.name} (${dimsText(y)}) = ${names}${forwardNote(group.length, xs.length, group[0]!.k)}`, `per example, each operand copied to its offset; ${per}`],
        vars: [...group.map(({ k }): StorageVar => ({ name: `x${k}`, buffer: `act:${op.xs[k]!}`, access: "read", type: t })), { name: "y", buffer: `act:${op.y}`, access: "read_write", type: t }],
        constants,
        invocations: ctx.batch * size,
        body: `  let n = i / GROUP_SIZE;\n  let j = i % GROUP_SIZE;\n  var v: ${t};\n  ${branches.join("")}\n  y[n * Y_SIZE + GROUP_OFFSET + j] = v;`,
        flops: 0,
        bytes: 2 * ctx.batch * size * lanes * F32,
        fuses: [op.name],
        origin,
      },
      ctx,
    );
  });

  const input = (index: number, accumulate: boolean): Kernel[] => {
    const x = xs[index];
    if (!x) throw new Error(`bug: ${op.name} has no operand ${index}`);
    const sz = x.size / lanes;
    return [
      makeKernel(
        {
          name: gradInputName(op, index, true),
          phase: "backward",
          about: [`dX${index} = dY[:, ${offsets[index]!}…${offsets[index]! + x.size - 1}] for ${y.name} = ${names}${accumulate ? ", added to dX" : ""}`, per],
          vars: [
            { name: "dy", buffer: `grad:${op.y}`, access: "read", type: t },
            { name: "dx", buffer: `grad:${op.xs[index]!}`, access: "read_write", type: t },
          ],
          constants: [yConst, u32c("X_SIZE", sz), u32c("OFFSET", offsets[index]! / lanes, "of this operand in each example of Y")],
          invocations: ctx.batch * sz,
          body: `  let n = i / X_SIZE;\n  ${store("dx", "i", "dy[n * Y_SIZE + OFFSET + i % X_SIZE]", accumulate)}`,
          flops: 0,
          bytes: ctx.batch * sz * lanes * (accumulate ? 3 : 2) * F32,
          fuses: [op.name],
          origin,
        },
        ctx,
      ),
    ];
  };
  return { forward, params: [], input, aux: [] };
}

function forwardNote(inGroup: number, total: number, first: number): string {
  return inGroup === total ? "" : `: operands ${first}…${first + inGroup - 1}`;
}
