/**
 * Kernels of a dense layer, all through the GEMM template:
 *   forward  Y = act(X·W + b)                   M = batch, N = outputs, K = inputs; bias and act in the epilogue
 *   params   dW = Xᵀ·dZ and db = Σ_rows dZ      M = inputs (+1), N = outputs, K = rows; a row of ones in A makes db C's last row
 *   input    dX = dZ·Wᵀ (or dX += …)            M = batch, N = inputs, K = outputs
 * where dZ = dY ⊙ act'(Y) is formed while loading, or on CPU adapters once by <op>_grad_activation (grad-activation.ts). W is inputs×outputs row-major.
 * On CPU adapters, rows whose length is a multiple of 4 are also offered as vec4s: X and dZ rows and
 * Wᵀ along K, W and dZ rows along N, and Y, dW and dX stored four columns at a time; the GEMM template
 * plans those kernels with its load-count model (planRowGemm in gemm.ts).
 */
import type { DenseOp, IrGraph } from "../ir/graph.js";
import { activationExpr, activationText, dzText } from "./activation-fn.js";
import { dzSource } from "./grad-activation.js";
import { renderGemm, type GemmBinding, type GemmConstant, type GemmKernels, type GemmOptions, type GemmSpec } from "./gemm.js";
import type { BufferName, OpKernels, RenderContext } from "./kernel.js";
import { activationHelpers, singleInput } from "./common.js";

/** Forward, parameter-gradient and input-gradient kernels of one dense op; `options` overrides the GEMM plan (tests, benchmarks). */
export function renderDense(op: DenseOp, g: IrGraph, ctx: RenderContext, options: GemmOptions = {}): OpKernels {
  const common = { op: `${op.name} (dense)`, origin: ctx.where(op), fuses: [op.name] };
  const act = op.activation;
  const wOffset = g.params[op.weight]!.offset;
  const bOffset = op.bias === undefined ? undefined : g.params[op.bias]!.offset;
  const withBias = bOffset !== undefined;
  const constants: GemmConstant[] = [
    { name: "INPUTS", value: op.inputs, doc: `features per example of ${g.tensors[op.x]!.name}` },
    { name: "OUTPUTS", value: op.outputs, doc: "units" },
    { name: "W_OFFSET", value: wOffset, doc: `${g.params[op.weight]!.name} in the arena (inputs × outputs)` },
    ...(bOffset === undefined ? [] : [{ name: "B_OFFSET", value: bOffset, doc: `${g.params[op.bias!]!.name} in the arena` }]),
  ];
  const dzFrom = dzSource(op, common, ctx.batch * op.outputs, ctx);
  const dzBindings = dzFrom.bindings;
  const dz = dzFrom.fn;
  const dzDoc = dzText(act, op.slope);
  // vec4 aliases for the cpu strategy (llvmpipe issues storage loads and stores lane by lane, so one vec4
  // costs far less than four f32s): rows of X, W and dZ lie contiguous and 16-byte aligned when the
  // arena offsets (always multiples of 4) and the row lengths are.
  const cpu = ctx.target === "cpu";
  const in4 = cpu && op.inputs % 4 === 0;
  const out4 = cpu && op.outputs % 4 === 0;
  // dZ as vec4: the aux buffer formed once, or dY itself when there is no activation.
  const dz4Buffer: BufferName | undefined = dzFrom.formed ? dzBindings[0]!.buffer : act === "identity" ? `grad:${op.y}` : undefined;
  const dz4: GemmBinding[] = out4 && dz4Buffer !== undefined ? [{ name: "dz4", buffer: dz4Buffer, access: "read", use: "load", type: "vec4<f32>" }] : [];
  const params4 = (use: "load" | "both") => ({ name: "params4", buffer: "params", access: "read", use, type: "vec4<f32>" }) as const;
  const act4 = activationHelpers(act, op.slope, "vec4<f32>").join("\n");

  const forward: GemmSpec = {
    ...common,
    name: `${op.name}_forward`,
    phase: "forward",
    trainingOnly: false,
    summary: [`Y = ${activationText(act, op.slope, `X·W${bOffset === undefined ? "" : " + b"}`)}`],
    m: ctx.batch,
    n: op.outputs,
    k: op.inputs,
    dims: { m: "batch rows", n: "outputs", k: "inputs" },
    constants,
    bindings: [
      { name: "x", buffer: `act:${op.x}`, access: "read", use: "load" },
      ...(in4 ? [{ name: "x4", buffer: `act:${op.x}`, access: "read", use: "load", type: "vec4<f32>" } as const] : []),
      { name: "params", buffer: "params", access: "read", use: withBias ? "both" : "load" },
      ...(out4 ? [params4(withBias ? "both" : "load")] : []),
      { name: "y", buffer: `act:${op.y}`, access: "read_write", use: "store" },
    ],
    a: { doc: "X[m, k], example m, input k", body: "return x[m * INPUTS + k];" },
    b: { doc: "W[k, n]", body: "return params[W_OFFSET + k * OUTPUTS + n];" },
    ...(in4 ? { ak4: { doc: "X[m, k..k+3]", body: "return x4[(m * INPUTS + k) / 4u];" } } : {}),
    ...(out4 ? { b4: { doc: "W[k, n..n+3]", body: "return params4[(W_OFFSET + k * OUTPUTS + n) / 4u];" } } : {}),
    store: {
      doc: `Y[m, n] = ${activationText(act, op.slope, `value${bOffset === undefined ? "" : " + b[n]"}`)}`,
      body: `let z = value${bOffset === undefined ? "" : " + params[B_OFFSET + n]"};\ny[m * OUTPUTS + n] = ${activationExpr(act, "z", op.slope)};`,
    },
    ...(out4
      ? {
          storeRow4: {
            doc: `Y[m, n..n+3] = ${activationText(act, op.slope, `value${bOffset === undefined ? "" : " + b[n..n+3]"}`)}`,
            body: `y[(m * OUTPUTS + n) / 4u] = act(value${bOffset === undefined ? "" : " + params4[(B_OFFSET + n) / 4u]"});`,
            binding: { name: "y", buffer: `act:${op.y}`, access: "read_write", use: "store", type: "vec4<f32>" },
            helpers: act4,
          },
        }
      : {}),
    fastAxis: "n",
  };

  const params: GemmSpec = {
    ...common,
    name: `${op.name}_grad_params`,
    phase: "backward",
    trainingOnly: true,
    summary: [`dW = Xᵀ·dZ${withBias ? ", db = Σ_rows dZ" : ""}, ${dzDoc}; rows past uniforms.rows are left out`],
    // On CPU adapters with vec4 rows of X, the ones row comes with three rows of zeros so M stays a multiple of 4.
    m: op.inputs + (withBias ? (in4 ? 4 : 1) : 0),
    n: op.outputs,
    k: ctx.batch,
    dims: { m: withBias ? `inputs, plus a row of ones whose output is db${in4 ? " (and 3 rows of zeros)" : ""}` : "inputs", n: "outputs", k: "batch rows" },
    kEnd: "uniforms.rows",
    constants,
    bindings: [
      { name: "x", buffer: `act:${op.x}`, access: "read", use: "load" },
      ...(in4 ? [{ name: "x4", buffer: `act:${op.x}`, access: "read", use: "load", type: "vec4<f32>" } as const] : []),
      ...dzBindings,
      ...dz4,
      { name: "uniforms", buffer: "uniforms", access: "uniform", use: "load" },
      { name: "grads", buffer: "grads", access: "read_write", use: "store" },
    ],
    helpers: dz,
    a: withBias
      ? in4
        ? { doc: "X[k, m] (transposed); row INPUTS is all ones so C's row INPUTS is db, rows past it are 0", body: "if (m >= INPUTS) { return select(0.0, 1.0, m == INPUTS); }\nreturn x[k * INPUTS + m];" }
        : { doc: "X[k, m] (transposed); row INPUTS is all ones so C's last row is db", body: "if (m == INPUTS) { return 1.0; }\nreturn x[k * INPUTS + m];" }
      : { doc: "X[k, m] (transposed)", body: "return x[k * INPUTS + m];" },
    b: { doc: dzDoc.replace("dZ", "dZ[k, n]"), body: "return dz_at(k * OUTPUTS + n);" },
    ...(in4
      ? {
          a4: withBias
            ? { doc: "X[k, m..m+3] (transposed); (1, 0, 0, 0) at row INPUTS", body: "if (m >= INPUTS) { return vec4<f32>(1.0, 0.0, 0.0, 0.0); }\nreturn x4[(k * INPUTS + m) / 4u];" }
            : { doc: "X[k, m..m+3] (transposed)", body: "return x4[(k * INPUTS + m) / 4u];" },
        }
      : {}),
    ...(dz4.length ? { b4: { doc: "dZ[k, n..n+3]", body: "return dz4[(k * OUTPUTS + n) / 4u];" } } : {}),
    store: withBias
      ? in4
        ? { doc: "dW[m, n], or db[n] for the ones row", body: "if (m < INPUTS) { grads[W_OFFSET + m * OUTPUTS + n] = value; } else if (m == INPUTS) { grads[B_OFFSET + n] = value; }" }
        : { doc: "dW[m, n], or db[n] for the ones row", body: "if (m < INPUTS) { grads[W_OFFSET + m * OUTPUTS + n] = value; } else { grads[B_OFFSET + n] = value; }" }
      : { doc: "dW[m, n]", body: "grads[W_OFFSET + m * OUTPUTS + n] = value;" },
    ...(out4
      ? {
          storeRow4: {
            doc: withBias ? "dW[m, n..n+3], or db[n..n+3] for the ones row" : "dW[m, n..n+3]",
            body: withBias
              ? "if (m < INPUTS) { grads[(W_OFFSET + m * OUTPUTS + n) / 4u] = value; } else if (m == INPUTS) { grads[(B_OFFSET + n) / 4u] = value; }"
              : "grads[(W_OFFSET + m * OUTPUTS + n) / 4u] = value;",
            binding: { name: "grads", buffer: "grads", access: "read_write", use: "store", type: "vec4<f32>" },
          },
        }
      : {}),
    fastAxis: "n",
  };
  const paramKernels = renderGemm(params, ctx, options);
  const forwardKernels = renderGemm(forward, ctx, options);

  const inputKernels = (accumulate: boolean): GemmKernels => {
    const spec: GemmSpec = {
      ...common,
      name: `${op.name}_grad_input`,
      phase: "backward",
      trainingOnly: true,
      summary: [`dX ${accumulate ? "+=" : "="} dZ·Wᵀ, ${dzDoc}`],
      m: ctx.batch,
      n: op.inputs,
      k: op.outputs,
      dims: { m: "batch rows", n: "inputs", k: "outputs" },
      constants,
      bindings: [
        ...dzBindings,
        ...dz4,
        { name: "params", buffer: "params", access: "read", use: "load" },
        ...(out4 ? [params4("load")] : []),
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write", use: "store" },
      ],
      helpers: dz,
      a: { doc: dzDoc.replace("dZ", "dZ[m, k]"), body: "return dz_at(m * OUTPUTS + k);" },
      b: { doc: "W[n, k] (transposed)", body: "return params[W_OFFSET + n * OUTPUTS + k];" },
      ...(dz4.length ? { ak4: { doc: "dZ[m, k..k+3]", body: "return dz4[(m * OUTPUTS + k) / 4u];" } } : {}),
      ...(out4 ? { bk4: { doc: "W[n, k..k+3] (transposed)", body: "return params4[(W_OFFSET + n * OUTPUTS + k) / 4u];" } } : {}),
      store: accumulate ? { doc: "dX[m, n] += value", body: "dx[m * INPUTS + n] += value;" } : { doc: "dX[m, n] = value", body: "dx[m * INPUTS + n] = value;" },
      ...(in4
        ? {
            storeRow4: accumulate
              ? { doc: "dX[m, n..n+3] += value", body: "dx[(m * INPUTS + n) / 4u] += value;", binding: { name: "dx", buffer: `grad:${op.x}`, access: "read_write", use: "store", type: "vec4<f32>" } as const }
              : { doc: "dX[m, n..n+3] = value", body: "dx[(m * INPUTS + n) / 4u] = value;", binding: { name: "dx", buffer: `grad:${op.x}`, access: "read_write", use: "store", type: "vec4<f32>" } as const },
          }
        : {}),
      fastAxis: "n",
    };
    return renderGemm(spec, ctx, options);
  };
  // Both variants share the kernel name and split, hence the aux buffer declared here.
  const inputAux = inputKernels(false).aux;
  return {
    forward: forwardKernels.kernels,
    // The schedule runs an op's parameter kernels before its input-gradient kernels, so dZ is ready for both.
    params: [...(dzFrom.kernel ? [dzFrom.kernel] : []), ...paramKernels.kernels],
    input: singleInput(op, (accumulate) => inputKernels(accumulate).kernels),
    aux: [...forwardKernels.aux, ...paramKernels.aux, ...inputAux, ...dzFrom.aux],
  };
}
