/**
 * Kernels of a dense layer, all through the GEMM template:
 *   forward  Y = act(X·W + b)                   M = batch, N = outputs, K = inputs; bias and act in the epilogue
 *   params   dW = Xᵀ·dZ and db = Σ_rows dZ      M = inputs (+1), N = outputs, K = rows; a row of ones in A makes db C's last row
 *   input    dX = dZ·Wᵀ (or dX += …)            M = batch, N = inputs, K = outputs
 * where dZ = dY ⊙ act'(Y) is formed while loading, or on CPU adapters once by <op>_grad_activation (grad-activation.ts). W is inputs×outputs row-major.
 */
import type { DenseOp, IrGraph } from "../ir/graph.js";
import { activationExpr, activationText, dzText } from "./activation-fn.js";
import { dzSource } from "./grad-activation.js";
import { renderGemm, type GemmConstant, type GemmKernels, type GemmOptions, type GemmSpec } from "./gemm.js";
import type { OpKernels, RenderContext } from "./kernel.js";
import { singleInput } from "./common.js";

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
      { name: "params", buffer: "params", access: "read", use: withBias ? "both" : "load" },
      { name: "y", buffer: `act:${op.y}`, access: "read_write", use: "store" },
    ],
    a: { doc: "X[m, k], example m, input k", body: "return x[m * INPUTS + k];" },
    b: { doc: "W[k, n]", body: "return params[W_OFFSET + k * OUTPUTS + n];" },
    store: {
      doc: `Y[m, n] = ${activationText(act, op.slope, `value${bOffset === undefined ? "" : " + b[n]"}`)}`,
      body: `let z = value${bOffset === undefined ? "" : " + params[B_OFFSET + n]"};\ny[m * OUTPUTS + n] = ${activationExpr(act, "z", op.slope)};`,
    },
    fastAxis: "n",
  };

  const params: GemmSpec = {
    ...common,
    name: `${op.name}_grad_params`,
    phase: "backward",
    trainingOnly: true,
    summary: [`dW = Xᵀ·dZ${withBias ? ", db = Σ_rows dZ" : ""}, ${dzDoc}; rows past uniforms.rows are left out`],
    m: op.inputs + (withBias ? 1 : 0),
    n: op.outputs,
    k: ctx.batch,
    dims: { m: withBias ? "inputs, plus a row of ones whose output is db" : "inputs", n: "outputs", k: "batch rows" },
    kEnd: "uniforms.rows",
    constants,
    bindings: [
      { name: "x", buffer: `act:${op.x}`, access: "read", use: "load" },
      ...dzBindings,
      { name: "uniforms", buffer: "uniforms", access: "uniform", use: "load" },
      { name: "grads", buffer: "grads", access: "read_write", use: "store" },
    ],
    helpers: dz,
    a: withBias
      ? { doc: "X[k, m] (transposed); row INPUTS is all ones so C's last row is db", body: "if (m == INPUTS) { return 1.0; }\nreturn x[k * INPUTS + m];" }
      : { doc: "X[k, m] (transposed)", body: "return x[k * INPUTS + m];" },
    b: { doc: dzDoc.replace("dZ", "dZ[k, n]"), body: "return dz_at(k * OUTPUTS + n);" },
    store: withBias
      ? { doc: "dW[m, n], or db[n] for the ones row", body: "if (m < INPUTS) { grads[W_OFFSET + m * OUTPUTS + n] = value; } else { grads[B_OFFSET + n] = value; }" }
      : { doc: "dW[m, n]", body: "grads[W_OFFSET + m * OUTPUTS + n] = value;" },
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
        { name: "params", buffer: "params", access: "read", use: "load" },
        { name: "dx", buffer: `grad:${op.x}`, access: "read_write", use: "store" },
      ],
      helpers: dz,
      a: { doc: dzDoc.replace("dZ", "dZ[m, k]"), body: "return dz_at(m * OUTPUTS + k);" },
      b: { doc: "W[n, k] (transposed)", body: "return params[W_OFFSET + n * OUTPUTS + k];" },
      store: accumulate ? { doc: "dX[m, n] += value", body: "dx[m * INPUTS + n] += value;" } : { doc: "dX[m, n] = value", body: "dx[m * INPUTS + n] = value;" },
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
