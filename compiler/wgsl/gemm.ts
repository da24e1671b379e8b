/**
 * One template for every GEMM-shaped kernel: C[M×N] = Σ_k A(m,k)·B(k,n), where A and B are WGSL
 * accessor bodies the caller writes (implicit GEMM: conv windows, transposes and fused prologues
 * such as dY·act'(y) happen inside the loads) and C goes through a caller-written epilogue (bias and
 * activation, overwrite or `+=`). The template calls the accessors only inside the matrices; the
 * gpu strategy's staging loads go through bounds-checked `load_a`/`load_b` (0 outside) instead.
 *
 * Strategies:
 *   cpu  barrier-free and without workgroup memory (llvmpipe runs barriers as coroutine switches):
 *        each invocation owns a TM×TN register tile (1–16 each, chosen per shape by a load-count
 *        model), 1-D workgroups of 64; edge tiles clamp their indices so the inner loop never branches.
 *        An operand whose rows (A) or columns (B) lie contiguous and aligned may come with a vec4
 *        accessor; then its tile edge is a multiple of 4 and it loads four values per load. Tiles of
 *        more than 64 accumulators store in a loop that picks values with selects (cpuEpilogue):
 *        unrolled stores were most of llvmpipe's JIT time. Operands contiguous along K may come with
 *        vec4 accessors along K (the K loop then takes four steps per iteration), and C with a vec4
 *        epilogue along rows; such specs (dense layers) get tile, K split and workgroup size from a
 *        cost model of llvmpipe (planRowGemm), and their split-K partials are summed as vec4s.
 *   gpu  32×32 output tiles staged through workgroup memory in K-chunks of 16, 8×8 invocations
 *        with 4×4 outputs each (the tfjs MatMulPacked layout).
 * Split-K: when the output has too few tiles to fill the machine and K is long, slices of K run in
 * parallel into an aux partials buffer and a second kernel sums them through the epilogue. The gpu
 * strategy runs slices along grid z; the cpu strategy packs (tile, slice) pairs into consecutive
 * invocations, so a GEMM with few tiles still fills whole workgroups (llvmpipe runs 8 lanes at once).
 */
import type { KernelTarget } from "../../runtime/engine/manifest.js";
import { wgslStepUniforms, type AuxBuffer, type BufferName, type Kernel, type Phase, type RenderContext } from "./kernel.js";

/** A buffer a GEMM kernel binds, under a WGSL name, and which part of the kernel reads it. */
export interface GemmBinding {
  /** WGSL identifier: `x`, `params`, `dy`. */
  readonly name: string;
  readonly buffer: BufferName;
  readonly access: "read" | "read_write" | "uniform";
  /** `load`: the operand accessors or `kEnd`; `store`: the epilogue; `both`. */
  readonly use: "load" | "store" | "both";
  /** Element type (default f32). A `vec4<f32>` binding is a read-only alias that only the vec4 accessors read; it is bound only when they are used. */
  readonly type?: "f32" | "vec4<f32>";
}

/** A named WGSL constant the accessors use, with a comment saying what it counts. */
export interface GemmConstant {
  readonly name: string;
  readonly value: number;
  readonly doc?: string;
}

/** A function body with a one-line description for the generated code. */
export interface GemmFn {
  readonly doc: string;
  readonly body: string;
}

/** Everything that makes one GEMM-shaped kernel what it is. */
export interface GemmSpec {
  /** Kernel name: `dense1_forward`, `conv1_grad_input`. */
  readonly name: string;
  readonly phase: Phase;
  readonly trainingOnly: boolean;
  /** The IR op for the header: `dense1 (dense)`, its `.dnn` location, and the ops this kernel fuses. */
  readonly op: string;
  readonly origin: string;
  readonly fuses: readonly string[];
  /** What the kernel computes, in a line or two of math. */
  readonly summary: readonly string[];
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** What M, N and K count, for the constant comments. */
  readonly dims: { readonly m: string; readonly n: string; readonly k: string };
  /** A u32 WGSL expression bounding k at run time (≤ K), e.g. `uniforms.rows * 576u` for reductions over the batch. */
  readonly kEnd?: string;
  readonly constants: readonly GemmConstant[];
  readonly bindings: readonly GemmBinding[];
  /** Extra WGSL functions the operand accessors call (bindings with use `load`). */
  readonly helpers?: string;
  /** Extra WGSL functions the epilogue calls (bindings with use `store`). */
  readonly storeHelpers?: string;
  /** Body of `fn a_at(m: u32, k: u32) -> f32`, called only with m < M, k < K (padding checks are the body's). */
  readonly a: GemmFn;
  /** Body of `fn b_at(k: u32, n: u32) -> f32`, called only with k < K, n < N. */
  readonly b: GemmFn;
  /**
   * Optional vec4 accessors for the cpu strategy: body of `fn a4_at(m: u32, k: u32) -> vec4<f32>`, A at
   * rows m..m+3, and of `fn b4_at(k: u32, n: u32) -> vec4<f32>`, B at columns n..n+3, each one vec4 load
   * from a read-only `vec4<f32>` alias of the operand's buffer (a binding with that type). Called with
   * m (n) a multiple of 4 and k in range; offer them only where those four elements are contiguous and
   * 16-byte aligned. Used when M (N) and the register tile's edge are multiples of 4: llvmpipe issues a
   * storage load lane by lane, and one vec4 load costs far less than four f32 ones.
   */
  readonly a4?: GemmFn;
  readonly b4?: GemmFn;
  /** Body of `fn store_c(m: u32, n: u32, value: f32)`, called once for every m < M, n < N. */
  readonly store: GemmFn;
  /**
   * Optional vec4 epilogue for the cpu strategy: body of `fn store4_c(m: u32, n: u32, value: vec4<f32>)`,
   * C at rows m..m+3 of column n, with `binding` (a `vec4<f32>` declaration of the stored buffer) in
   * place of the f32 one. Used instead of `store` when A loads vec4s (M and TM multiples of 4) and K is
   * not split; offer it only where those four elements are contiguous and 16-byte aligned.
   */
  readonly store4?: GemmFn & { readonly binding: GemmBinding };
  /**
   * Optional vec4 accessors along K for the cpu strategy: body of `fn ak4_at(m: u32, k: u32) -> vec4<f32>`,
   * A at row m, columns k..k+3, and of `fn bk4_at(k: u32, n: u32) -> vec4<f32>`, B at rows k..k+3 of
   * column n, each one vec4 load from a read-only alias (as for a4/b4). For operands contiguous along K
   * only (a dense layer's X and dZ rows, Wᵀ). Called with k a multiple of 4; usable (in place of a4/b4)
   * when K is a multiple of 4 and no kEnd bounds it, and then the K loop takes four steps at a time.
   */
  readonly ak4?: GemmFn;
  readonly bk4?: GemmFn;
  /**
   * Optional vec4 epilogue along rows for the cpu strategy: body of `fn store_row4(m: u32, n: u32, value: vec4<f32>)`,
   * C at row m, columns n..n+3, with `binding` in place of the f32 store binding and `helpers` beside it.
   * Used instead of `store` when N and the tile's TN are multiples of 4; with split-K the partials are
   * then written, summed and stored as vec4s too. Offer it only where those four elements are contiguous
   * and 16-byte aligned. A spec that offers ak4, bk4 or store_row4 gets its tile and K split from the
   * load-count model of planRowGemm (dense layers).
   */
  readonly storeRow4?: GemmFn & { readonly binding: GemmBinding; readonly helpers?: string };
  /** Which output axis consecutive invocations walk (cpu strategy): pick the one whose loads are contiguous. */
  readonly fastAxis?: "m" | "n";
}

/** Choices a caller may force; the defaults come from the context. */
export interface GemmOptions {
  readonly strategy?: KernelTarget;
  /** Register tile of one invocation (cpu strategy). */
  readonly tm?: number;
  readonly tn?: number;
  /** Number of K slices, or "auto" (default). */
  readonly splitK?: number | "auto";
  /** Use the spec's vec4 accessors where the tile allows (cpu strategy; default true). */
  readonly vec4?: boolean;
  /** Invocations per workgroup (cpu strategy). */
  readonly workgroup?: number;
  /** Use the spec's vec4 accessors along K (ak4, bk4) where K allows: true or false forces the choice (cpu strategy). */
  readonly alongK?: boolean;
}

/** The kernels of one GEMM (one, or two with split-K) and the aux buffers they bind. */
export interface GemmKernels {
  readonly kernels: readonly Kernel[];
  readonly aux: readonly AuxBuffer[];
}

const CPU_WORKGROUP = 64;
/** Invocations that keep llvmpipe's threads busy (≥ 8 workgroups of 64). */
const CPU_PARALLEL = 512;
const CPU_TILES = [1, 2, 4, 8, 16] as const;
/** Largest register-tile edge and area (cpu strategy): llvmpipe keeps 16×16 accumulators in registers; JIT time grows with the area. */
const MAX_EDGE = 24;
const MAX_TILE = 256;
const GPU_TILE = 32;
const GPU_TILE_K = 16;
const GPU_THREADS = 8;
/** Workgroups that fill a large GPU (an H100 has 132 SMs). */
const GPU_PARALLEL = 264;
const MAX_SLICES = 256;

/** How one GEMM is cut up: register tile (cpu) and K slices. */
interface Plan {
  readonly strategy: KernelTarget;
  readonly tm: number;
  readonly tn: number;
  readonly slices: number;
  /** Whether A (B) loads four rows (columns) with one vec4 load (cpu strategy). */
  readonly aVec: boolean;
  readonly bVec: boolean;
  /** Whether A (B) loads four K steps with one vec4 load (cpu strategy, spec.ak4 / spec.bk4). */
  readonly aK4?: boolean;
  readonly bK4?: boolean;
  /** Whether C is stored (and split-K partials written and summed) as vec4s along rows (spec.storeRow4). */
  readonly row4?: boolean;
  /** Invocations per workgroup (cpu strategy; default cpuWorkgroup). */
  readonly wg?: number;
}

/** Render the kernels of one GEMM. */
export function renderGemm(spec: GemmSpec, ctx: RenderContext, options: GemmOptions = {}): GemmKernels {
  const plan = planGemm(spec, ctx, options);
  const { strategy, tm, tn, aVec, bVec } = plan;
  const aK4 = plan.aK4 ?? false;
  const bK4 = plan.bK4 ?? false;
  const row4 = plan.row4 ?? false;
  const wgSize = strategy === "gpu" ? GPU_THREADS * GPU_THREADS : (plan.wg ?? cpuWorkgroup(ctx));
  const tilesM = Math.ceil(spec.m / tm);
  const tilesN = Math.ceil(spec.n / tn);
  // A K loop of four steps at a time needs slices of whole vec4s.
  const step4 = aK4 || bK4;
  const kSlice = step4 ? 4 * Math.ceil(spec.k / (4 * plan.slices)) : Math.ceil(spec.k / plan.slices);
  const slices = step4 ? Math.ceil(spec.k / kSlice) : plan.slices;
  const groups = strategy === "gpu" ? tilesM * tilesN : Math.ceil((tilesM * tilesN * slices) / wgSize);
  const grid = grid2d(groups, ctx.maxWorkgroupsPerDimension);
  const partials = slices > 1 ? `${spec.name}_partials` : undefined;

  const vec = aVec || bVec || aK4 || bK4;
  const store4 = strategy === "cpu" && aVec && slices === 1 && spec.store4 ? spec.store4 : undefined;
  const storeRow4 = row4 && slices === 1 ? spec.storeRow4 : undefined;
  const bound = spec.bindings
    .filter((b) => vec || b.type !== "vec4<f32>")
    .map((b) => (store4 && b.buffer === store4.binding.buffer && b.use === "store" ? store4.binding : b))
    .map((b) => (storeRow4 && b.buffer === storeRow4.binding.buffer && b.use === "store" ? storeRow4.binding : b));
  const gemmBindings: GemmBinding[] = partials
    ? [...bound.filter((b) => b.use !== "store"), { name: "partials", buffer: `aux:${partials}`, access: "read_write", use: "store", ...(row4 ? { type: "vec4<f32>" as const } : {}) }]
    : bound;
  const strategyLine =
    strategy === "gpu"
      ? `Strategy gpu: ${GPU_TILE}×${GPU_TILE} output tiles staged through workgroup memory (K chunks of ${GPU_TILE_K}), ${GPU_THREADS}×${GPU_THREADS} invocations × 4×4 outputs.`
      : `Strategy cpu: each invocation owns a ${tm}×${tn} register tile; no workgroup memory, no barriers.${vecLine(aVec && !aK4, bVec && !bK4)}${kVecLine(aK4, bK4, row4)}`;
  const header = [
    `// ${spec.name}: ${spec.op} at ${spec.origin}`,
    ...spec.summary.map((s) => `//   ${s}`),
    `// Implicit GEMM C[M×N] = Σ_k A(m,k)·B(k,n) with M = ${spec.m}, N = ${spec.n}, K = ${spec.k}.`,
    `// ${strategyLine}`,
    ...(partials ? [`// Split-K: ${slices} slices of ${kSlice} (${strategy === "gpu" ? "grid z" : "packed with the tiles"}) write partial sums; ${spec.name}_reduce adds them.`] : []),
  ];
  const layout = [
    `const TILES_M = ${tilesM}u; // ${tm}-row tiles`,
    `const TILES_N = ${tilesN}u; // ${tn}-column tiles`,
    `const GRID_X = ${grid[0]}u; // workgroups along x (more spill into y past the per-dimension limit)`,
    `const SLICES = ${slices}u; // K slices (${strategy === "gpu" ? "grid z" : "invocation / (TILES_M · TILES_N)"})`,
    `const K_SLICE = ${kSlice}u; // K per slice`,
  ];
  const kEnd = spec.kEnd ? `min(K, ${spec.kEnd})` : "K";
  const write: Write = partials
    ? row4
      ? (m, n, v) => `partials[((slice * M + ${m}) * N + ${n}) / 4u] = ${v}`
      : (m, n, v) => `partials[(slice * M + ${m}) * N + ${n}] = ${v}`
    : row4
      ? (m, n, v) => `store_row4(${m}, ${n}, ${v})`
      : (m, n, v) => `store_c(${m}, ${n}, ${v})`;
  const main =
    strategy === "gpu"
      ? gpuMain({ kEnd, write })
      : cpuMain({ tm, tn, wgSize, kEnd, write, fast: spec.fastAxis ?? "n", aVec, bVec, aK4, bK4, row4, store4: store4 !== undefined });
  const gemmCode = [
    header.join("\n"),
    declarations(gemmBindings),
    [...dimConstants(spec), ...layout].join("\n"),
    spec.helpers?.trim(),
    accessors(spec, strategy === "gpu", aVec && !aK4, bVec && !bK4, aK4, bK4),
    partials ? undefined : storeRow4 ? storeRow4.helpers?.trim() : spec.storeHelpers?.trim(),
    partials ? undefined : store4 ? `// C(m..m+3, n): ${store4.doc}\nfn store4_c(m: u32, n: u32, value: vec4<f32>) {\n${indent(store4.body.trim(), 1)}\n}` : storeRow4 ? rowEpilogue(storeRow4) : epilogue(spec),
    main,
  ];
  const kernels: Kernel[] = [
    {
      name: spec.name,
      phase: spec.phase,
      code: module(gemmCode),
      bindings: gemmBindings.map(({ buffer, access }) => ({ buffer, access })),
      workgroups: [grid[0], grid[1], strategy === "gpu" ? slices : 1],
      trainingOnly: spec.trainingOnly,
      flops: 2 * spec.m * spec.n * spec.k,
      bytes: 4 * (spec.m * spec.k + spec.k * spec.n + spec.m * spec.n * slices),
      fuses: spec.fuses,
      origin: spec.origin,
    },
  ];
  if (!partials) return { kernels, aux: [] };
  kernels.push(reduceKernel(spec, ctx, partials, slices, row4 ? spec.storeRow4 : undefined));
  return { kernels, aux: [{ name: partials, floats: slices * spec.m * spec.n }] };
}

/**
 * The kernel that sums split-K partials and applies the epilogue: one invocation per output, or, for
 * a spec with a row-vec4 epilogue (`storeRow4`), per four outputs of a row, partials read as vec4.
 */
function reduceKernel(spec: GemmSpec, ctx: RenderContext, partials: string, slices: number, storeRow4?: NonNullable<GemmSpec["storeRow4"]>): Kernel {
  const rest = spec.bindings.filter((b) => b.use !== "load");
  const bindings: GemmBinding[] = storeRow4
    ? [{ name: "partials", buffer: `aux:${partials}`, access: "read", use: "load", type: "vec4<f32>" }, ...rest.map((b) => (b.buffer === storeRow4.binding.buffer && b.use === "store" ? storeRow4.binding : b))]
    : [{ name: "partials", buffer: `aux:${partials}`, access: "read", use: "load" }, ...rest];
  const outputs = spec.m * spec.n;
  const wg = cpuWorkgroup(ctx);
  const grid = grid2d(Math.ceil(outputs / (storeRow4 ? 4 : 1) / wg), ctx.maxWorkgroupsPerDimension);
  const main = storeRow4
    ? `  let i = (wid.y * GRID_X + wid.x) * ${wg}u + lane; // C[m, n..n+3] with m = i / (N / 4), n = 4 · (i % (N / 4))
  if (i >= M * N / 4u) { return; }
  var sum = vec4<f32>(0.0);
  for (var s = 0u; s < SLICES; s++) { sum += partials[s * (M * N / 4u) + i]; }
  store_row4(i / (N / 4u), (i % (N / 4u)) * 4u, sum);`
    : `  let i = (wid.y * GRID_X + wid.x) * ${wg}u + lane;
  if (i >= M * N) { return; }
  var sum = 0.0;
  for (var s = 0u; s < SLICES; s++) { sum += partials[s * M * N + i]; }
  store_c(i / N, i % N, sum);`;
  const code = [
    [
      `// ${spec.name}_reduce: ${spec.op} at ${spec.origin}`,
      ...spec.summary.map((s) => `//   ${s}`),
      `// Sums the ${slices} split-K partials of ${spec.name} and applies the epilogue; one invocation per ${storeRow4 ? "four outputs of a row (vec4)" : "output"}.`,
    ].join("\n"),
    declarations(bindings),
    [...dimConstants(spec).filter((c) => !c.startsWith("const K ")), `const SLICES = ${slices}u;`, `const GRID_X = ${grid[0]}u; // workgroups along x`].join("\n"),
    (storeRow4 ? storeRow4.helpers : spec.storeHelpers)?.trim(),
    storeRow4 ? rowEpilogue(storeRow4) : epilogue(spec),
    `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
${main}
}`,
  ];
  return {
    name: `${spec.name}_reduce`,
    phase: spec.phase,
    code: module(code),
    bindings: bindings.map(({ buffer, access }) => ({ buffer, access })),
    workgroups: [grid[0], grid[1], 1],
    trainingOnly: spec.trainingOnly,
    flops: outputs * slices,
    bytes: 4 * outputs * (slices + 1),
    fuses: spec.fuses,
    origin: spec.origin,
  };
}

/** The WGSL statement that writes one accumulated value of C at (m, n) (expressions). */
type Write = (m: string, n: string, value: string) => string;

/** Choose the strategy, the register tile and the K split. */
function planGemm(spec: GemmSpec, ctx: RenderContext, options: GemmOptions): Plan {
  const auto = options.splitK === undefined || options.splitK === "auto";
  // The gpu layout needs 64 invocations per workgroup; the cpu layout adapts to any limit.
  if ((options.strategy ?? ctx.target) === "gpu" && ctx.maxWorkgroupSize >= GPU_THREADS * GPU_THREADS) {
    const groups = Math.ceil(spec.m / GPU_TILE) * Math.ceil(spec.n / GPU_TILE);
    const slices = auto ? autoSlices(groups, GPU_PARALLEL, spec.k, 64) : (options.splitK as number);
    return { strategy: "gpu", tm: GPU_TILE, tn: GPU_TILE, slices: clampSlices(slices, spec.k, ctx), aVec: false, bVec: false };
  }
  const vec = options.vec4 ?? true;
  if (vec && (spec.ak4 || spec.bk4 || spec.storeRow4)) return planRowGemm(spec, ctx, options);
  const offered = { m: vec && spec.a4 !== undefined && spec.m % 4 === 0, n: vec && spec.b4 !== undefined && spec.n % 4 === 0 };
  const [autoM, autoN] = cpuTile(spec, options.splitK !== 1, offered);
  const tm = options.tm ?? autoM;
  const tn = options.tn ?? autoN;
  const tiles = Math.ceil(spec.m / tm) * Math.ceil(spec.n / tn);
  const slices = auto ? autoSlices(tiles, CPU_PARALLEL, spec.k, 128) : (options.splitK as number);
  return { strategy: "cpu", tm, tn, slices: clampSlices(slices, spec.k, ctx), aVec: offered.m && tm % 4 === 0, bVec: offered.n && tn % 4 === 0 };
}

/**
 * The cpu plan for specs with vec4 accessors along K or a row-vec4 epilogue (dense layers): the register
 * tile, K split and workgroup size that minimise a cost model measured on llvmpipe (2-core EPYC, 8 lanes).
 * There a storage load runs lane by lane, so it costs per active lane (a vec4 about 1.6 f32s), while a
 * multiply-add costs per group of 8 lanes whether all are active or not; tiles past ~24 accumulators
 * spill, which the per-FMA cost already averages in. Workgroups shrink to as few as 8 invocations (one
 * SIMD group) so that a GEMM of few tiles still spreads over the threads, and K is split only when the
 * threads' time saved beats the partials, their vec4 sum and its dispatch. Loads along K unroll four
 * K steps per iteration; the model weighs that body's JIT time (first dispatch), spread over a run.
 */
function planRowGemm(spec: GemmSpec, ctx: RenderContext, options: GemmOptions): Plan {
  const kVec = spec.k % 4 === 0 && spec.kEnd === undefined;
  const maxWg = Math.min(CPU_WORKGROUP, ctx.maxWorkgroupSize);
  const cost = (tm: number, tn: number, slices: number, k4: boolean) => {
    const aK4 = k4 && spec.ak4 !== undefined;
    const bK4 = k4 && spec.bk4 !== undefined;
    const aVec = !aK4 && spec.a4 !== undefined && spec.m % 4 === 0 && tm % 4 === 0;
    const bVec = !bK4 && spec.b4 !== undefined && spec.n % 4 === 0 && tn % 4 === 0;
    const row4 = spec.storeRow4 !== undefined && spec.n % 4 === 0 && tn % 4 === 0;
    const kSlice = k4 ? 4 * Math.ceil(spec.k / (4 * slices)) : Math.ceil(spec.k / slices);
    const s = Math.ceil(spec.k / kSlice);
    const invocations = Math.ceil(spec.m / tm) * Math.ceil(spec.n / tn) * s;
    // Per invocation: its K slice's loads (per lane) and multiply-adds (per 8 lanes), then its stores.
    const loadsPerK = (aK4 || aVec ? (tm / 4) * LANE_VEC4 : tm * LANE_F32) + (bK4 || bVec ? (tn / 4) * LANE_VEC4 : tn * LANE_F32);
    const laneWork = kSlice * loadsPerK + tm * tn * (row4 ? LANE_VEC4 / 4 : LANE_F32);
    const groupWork = kSlice * tm * tn * GROUP_FMA;
    const wg = workgroupFor(invocations, maxWg);
    const full = Math.floor(invocations / wg);
    const rest = invocations - full * wg;
    const per = (lanes: number) => lanes * laneWork + Math.ceil(lanes / 8) * groupWork;
    const work = [...Array<number>(full).fill(per(wg)), ...(rest ? [per(rest)] : [])];
    const outputs = spec.m * spec.n;
    const reduce = s > 1 ? DISPATCH + (row4 ? (outputs / 4) * (s + 1) * REDUCE_VEC4 : outputs * (s + 1) * REDUCE_F32) / CPU_THREADS : 0;
    // llvmpipe compiles the unrolled K-loop body and epilogue at the first dispatch: load sites (a lane loop each) and multiply-adds.
    const steps = k4 ? 4 : 1;
    const sites = (vec4: boolean, alongK: boolean, edge: number) => (alongK ? edge : vec4 ? (steps * edge) / 4 : steps * edge);
    const jit = JIT_SITE * (sites(aVec, aK4, tm) + sites(bVec, bK4, tn)) + JIT_FMA * steps * tm * tn + JIT_SITE * (row4 ? tn / 4 : Math.min(tm * tn, Math.max(tm, tn)));
    return { time: threadTime(work) + reduce + jit * JIT_PER_STEP, tm, tn, slices: s, wg, aVec, bVec, aK4, bK4, row4 };
  };
  const edges = (size: number) => [...new Set([...tileSizes(size), 4, 8, 12, 16, 20, 24, 32])].filter((t) => (t >= 4 || t >= size) && t <= MAX_ROW_EDGE && (t <= 2 * size || t === 4));
  const maxSlices = Math.max(1, Math.min(16, Math.floor(spec.k / 32)));
  // Stepping four K at a time needs A along K; B then loads along K too when it can, else transposes.
  const k4Choices = kVec && spec.ak4 ? (options.alongK === undefined ? [true, false] : [options.alongK]) : [false];
  let best: ReturnType<typeof cost> | undefined;
  for (const tm of options.tm ? [options.tm] : edges(spec.m))
    for (const tn of options.tn ? [options.tn] : edges(spec.n)) {
      if (tm * tn > MAX_ROW_TILE && !(options.tm && options.tn)) continue;
      const sliceChoices = options.splitK !== undefined && options.splitK !== "auto" ? [options.splitK] : Array.from({ length: maxSlices }, (_, i) => i + 1);
      for (const slices of sliceChoices)
        for (const k4 of k4Choices) {
          const c = cost(tm, tn, clampSlices(slices, spec.k, ctx), k4);
          if (!best || c.time < best.time) best = c;
        }
    }
  const { time: _, wg, ...plan } = best!;
  return { strategy: "cpu", ...plan, wg: Math.min(options.workgroup ?? wg, ctx.maxWorkgroupSize) };
}

/** Cost model of planRowGemm (llvmpipe, in cycles of a loaded 3 GHz core): one storage load per active lane, f32 and vec4. */
const LANE_F32 = 4;
const LANE_VEC4 = 6.5;
/** One multiply-add for a group of 8 lanes, spills included. */
const GROUP_FMA = 2.6;
/** A dispatch of its own (the split-K reduce), and that kernel's loads per lane (partials from memory, not the cache). */
const DISPATCH = 100_000;
const REDUCE_F32 = 8;
const REDUCE_VEC4 = 13;
/** Threads the cost model spreads workgroups over (llvmpipe runs one per core; this project's machines have 2). */
const CPU_THREADS = 2;
/** Largest register tile of planRowGemm (32×16) and its longest edge. */
const MAX_ROW_TILE = 512;
const MAX_ROW_EDGE = 32;
/**
 * The first dispatch's JIT (ms) per load or store site and per multiply-add of the unrolled K step, spread
 * over the steps of a training run: 3·10⁶ cycles per ms over ~10,000 steps (Mesa keeps compiled shaders on disk, so later runs skip it).
 */
const JIT_SITE = 10;
const JIT_FMA = 0.2;
const JIT_PER_STEP = 3e6 / 10_000;

/** Invocations per workgroup for `invocations`: the largest of 64, 32, 16 and 8 that still gives 4 workgroups per thread, else 8. */
function workgroupFor(invocations: number, max: number): number {
  for (const wg of [64, 32, 16]) if (wg <= max && invocations / wg >= 4 * CPU_THREADS) return wg;
  return Math.min(8, max);
}

/** When CPU_THREADS threads take workgroups of the given work one at a time, in order: the time the last one finishes. */
function threadTime(work: readonly number[]): number {
  const threads = Array<number>(CPU_THREADS).fill(0);
  for (const w of work) {
    let i = 0;
    for (let t = 1; t < threads.length; t++) if (threads[t]! < threads[i]!) i = t;
    threads[i]! += w;
  }
  return Math.max(...threads);
}

function cpuWorkgroup(ctx: RenderContext): number {
  return Math.min(CPU_WORKGROUP, ctx.maxWorkgroupSize);
}

/**
 * The register tile for the cpu strategy. llvmpipe issues every storage load per lane, so a tile
 * costs about (1/TM + 1/TN) loads per multiply-add plus the FMA itself, over the padded output; the
 * cheapest tile that still leaves CPU_PARALLEL invocations (counting K slices when the GEMM may be
 * split) wins, never below 4 along an axis that has 4 or more. Besides powers of two, each axis may
 * take a size that cuts it into equal parts (20 for 20 or 40 filters), so edge tiles waste nothing;
 * tiles hold at most MAX_TILE accumulators; an axis with a vec4 accessor takes multiples of 4.
 */
function cpuTile(spec: GemmSpec, splittable: boolean, vec4: { readonly m: boolean; readonly n: boolean }): [number, number] {
  const maxSlices = splittable ? Math.max(1, Math.min(MAX_SLICES, Math.floor(spec.k / 128))) : 1;
  let best: { tm: number; tn: number; cost: number; parallel: number } | undefined;
  for (const tm of tileSizes(spec.m))
    for (const tn of tileSizes(spec.n)) {
      if ((tm < 4 && tm < spec.m) || (tn < 4 && tn < spec.n) || (tm > 2 * spec.m && tm > 1) || (tn > 2 * spec.n && tn > 1) || tm * tn > MAX_TILE) continue;
      // An axis read with vec4 loads takes whole vec4s.
      if ((vec4.m && tm % 4 !== 0) || (vec4.n && tn % 4 !== 0)) continue;
      const tiles = Math.ceil(spec.m / tm) * Math.ceil(spec.n / tn);
      const parallel = Math.min(CPU_PARALLEL, tiles * maxSlices);
      const cost = Math.ceil(spec.m / tm) * tm * Math.ceil(spec.n / tn) * tn * (1 / tm + 1 / tn + 1 / 8);
      if (!best || parallel > best.parallel || (parallel === best.parallel && cost < best.cost)) best = { tm, tn, cost, parallel };
    }
  return best ? [best.tm, best.tn] : [4, 4];
}

/** Candidate tile edges for an axis of `size`: the powers of two, and ⌈size/q⌉ for 1–8 equal parts up to MAX_EDGE. */
export function tileSizes(size: number): number[] {
  const parts = Array.from({ length: 8 }, (_, q) => Math.ceil(size / (q + 1))).filter((t) => t >= 4 && t <= MAX_EDGE);
  return [...new Set([...CPU_TILES, ...parts])].sort((a, b) => a - b);
}

/** K slices that bring `units` of parallel work up to `target`, each at least `minSlice` long. */
function autoSlices(units: number, target: number, k: number, minSlice: number): number {
  if (units >= target) return 1;
  return Math.max(1, Math.min(Math.ceil(target / units), Math.floor(k / minSlice), MAX_SLICES));
}

function clampSlices(slices: number, k: number, ctx: RenderContext): number {
  return Math.max(1, Math.min(Math.floor(slices), k, ctx.maxWorkgroupsPerDimension));
}

/** Spread `groups` workgroups over x and y so neither exceeds the per-dimension limit. */
function grid2d(groups: number, maxPerDim: number): [number, number] {
  if (groups <= maxPerDim) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}

/** Names the templates declare themselves. */
const RESERVED = new Set(["M", "N", "K", "TM", "TN", "TILES_M", "TILES_N", "GRID_X", "K_SLICE", "SLICES", "TILE", "TILE_K", "PER"]);

function dimConstants(spec: GemmSpec): string[] {
  const clash = spec.constants.find((c) => RESERVED.has(c.name));
  if (clash) throw new Error(`bug: ${spec.name} declares constant ${clash.name}, which the GEMM template owns`);
  return [
    `const M = ${spec.m}u; // ${spec.dims.m}`,
    `const N = ${spec.n}u; // ${spec.dims.n}`,
    `const K = ${spec.k}u; // ${spec.dims.k}`,
    ...spec.constants.map((c) => `const ${c.name} = ${c.value}u;${c.doc ? ` // ${c.doc}` : ""}`),
  ];
}

/**
 * The caller's operand bodies as `a_at`/`b_at` (in range by contract), plus bounds-checked
 * `load_a`/`load_b` returning 0 outside for the gpu strategy, whose staging loads run past the edges.
 * The cpu strategy clamps its indices instead, so its inner loop has no branches.
 */
function accessors(spec: GemmSpec, checked: boolean, aVec: boolean, bVec: boolean, aK4 = false, bK4 = false): string {
  const fns = [
    `// A(m, k): ${spec.a.doc}\nfn a_at(m: u32, k: u32) -> f32 {\n${indent(spec.a.body.trim(), 1)}\n}`,
    `// B(k, n): ${spec.b.doc}\nfn b_at(k: u32, n: u32) -> f32 {\n${indent(spec.b.body.trim(), 1)}\n}`,
  ];
  if (aVec && spec.a4) fns.push(`// A(m..m+3, k): ${spec.a4.doc}\nfn a4_at(m: u32, k: u32) -> vec4<f32> {\n${indent(spec.a4.body.trim(), 1)}\n}`);
  if (bVec && spec.b4) fns.push(`// B(k, n..n+3): ${spec.b4.doc}\nfn b4_at(k: u32, n: u32) -> vec4<f32> {\n${indent(spec.b4.body.trim(), 1)}\n}`);
  if (aK4 && spec.ak4) fns.push(`// A(m, k..k+3): ${spec.ak4.doc}\nfn ak4_at(m: u32, k: u32) -> vec4<f32> {\n${indent(spec.ak4.body.trim(), 1)}\n}`);
  if (bK4 && spec.bk4) fns.push(`// B(k..k+3, n): ${spec.bk4.doc}\nfn bk4_at(k: u32, n: u32) -> vec4<f32> {\n${indent(spec.bk4.body.trim(), 1)}\n}`);
  if (checked) {
    fns.push(
      "// A and B with 0 outside the matrices\n" +
        "fn load_a(m: u32, k: u32) -> f32 { return select(0.0, a_at(min(m, M - 1u), min(k, K - 1u)), m < M && k < K); }\n" +
        "fn load_b(k: u32, n: u32) -> f32 { return select(0.0, b_at(min(k, K - 1u), min(n, N - 1u)), k < K && n < N); }",
    );
  }
  return fns.join("\n\n");
}

function epilogue(spec: GemmSpec): string {
  return `// C(m, n): ${spec.store.doc}\nfn store_c(m: u32, n: u32, value: f32) {\n${indent(spec.store.body.trim(), 1)}\n}`;
}

function rowEpilogue(storeRow4: NonNullable<GemmSpec["storeRow4"]>): string {
  return `// C(m, n..n+3): ${storeRow4.doc}\nfn store_row4(m: u32, n: u32, value: vec4<f32>) {\n${indent(storeRow4.body.trim(), 1)}\n}`;
}

/** " vec4 loads along K: A, B. vec4 stores along rows." for the header, or nothing. */
function kVecLine(aK4: boolean, bK4: boolean, row4: boolean): string {
  const parts = [aK4 && "A", bK4 && "B"].filter(Boolean);
  return `${parts.length ? ` vec4 loads along K (4 steps per load): ${parts.join(", ")}.` : ""}${row4 ? " vec4 stores of 4 columns." : ""}`;
}

/** " vec4 loads: A (4 rows), B (4 columns)." for the header, or nothing. */
function vecLine(aVec: boolean, bVec: boolean): string {
  const parts = [aVec && "A (4 rows)", bVec && "B (4 columns)"].filter(Boolean);
  return parts.length ? ` vec4 loads: ${parts.join(", ")}.` : "";
}

/** The K loop of the cpu strategy: TM values of A and TN of B into registers (f32 or vec4 loads), then TM·TN multiply-adds. */
function cpuLoop(aVec: boolean, bVec: boolean): string {
  const spread = (name: string) => ["x", "y", "z", "w"].map((c, q) => `${name}[i + ${q}u] = v.${c};`).join(" ");
  const a = aVec
    ? `for (var i = 0u; i < TM; i += 4u) { let v = a4_at(min(m0 + i, M - 4u), k); ${spread("a")} }`
    : "for (var i = 0u; i < TM; i++) { a[i] = a_at(min(m0 + i, M - 1u), k); }";
  const b = bVec
    ? `for (var j = 0u; j < TN; j += 4u) { let v = b4_at(k, min(n0 + j, N - 4u)); ${spread("b").replaceAll("[i", "[j")} }`
    : "for (var j = 0u; j < TN; j++) { b[j] = b_at(k, min(n0 + j, N - 1u)); }";
  return `  for (var k = k_begin; k < k_end; k++) {
    var a: array<f32, TM>;
    var b: array<f32, TN>;
    ${a}
    ${b}
    for (var i = 0u; i < TM; i++) {
      for (var j = 0u; j < TN; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
    }
  }`;
}

/**
 * The K loop of the cpu strategy four steps at a time, for an A read with vec4 loads along K
 * (ak4_at): a[i] holds A[m0 + i, k..k+3] and b[j] holds B[k..k+3, n0 + j], loaded along K too when B
 * offers it (bk4_at, mode "k4"), else from four vec4 loads along B's rows, transposed ("vec"), or
 * from f32 loads ("scalar"); every register index is then constant once unrolled.
 */
function cpuLoopK4(b: "k4" | "vec" | "scalar"): string {
  const at = (q: number) => (q ? `k + ${q}u` : "k");
  // Four vec4 loads along a row (column) of the operand at k..k+3, transposed into four vec4s along K.
  const transpose = (loop: string, first: string, load: (q: number) => string, dst: string, idx: string) =>
    [
      `${loop} {`,
      `      ${first}`,
      `      ${[0, 1, 2, 3].map((q) => `let v${q} = ${load(q)};`).join(" ")}`,
      ...["x", "y", "z", "w"].map((c, q) => `      ${dst}[${idx}${q ? ` + ${q}u` : ""}] = vec4<f32>(v0.${c}, v1.${c}, v2.${c}, v3.${c});`),
      `    }`,
    ].join("\n");
  const loadA = "for (var i = 0u; i < TM; i++) { a[i] = ak4_at(min(m0 + i, M - 1u), k); }";
  const loadB = {
    k4: "for (var j = 0u; j < TN; j++) { b[j] = bk4_at(k, min(n0 + j, N - 1u)); }",
    vec: transpose("for (var j = 0u; j < TN; j += 4u)", "let n = min(n0 + j, N - 4u);", (q) => `b4_at(${at(q)}, n)`, "b", "j"),
    scalar: `for (var j = 0u; j < TN; j++) { let n = min(n0 + j, N - 1u); b[j] = vec4<f32>(${[0, 1, 2, 3].map((q) => `b_at(${at(q)}, n)`).join(", ")}); }`,
  }[b];
  return `  for (var k = k_begin; k < k_end; k += 4u) {
    var a: array<vec4<f32>, TM>; // A[m0 + i, k..k+3]
    var b: array<vec4<f32>, TN>; // B[k..k+3, n0 + j]
    ${loadA}
    ${loadB}
    for (var i = 0u; i < TM; i++) {
      for (var j = 0u; j < TN; j++) { acc[i][j] = fma(a[i].w, b[j].w, fma(a[i].z, b[j].z, fma(a[i].y, b[j].y, fma(a[i].x, b[j].x, acc[i][j])))); }
    }
  }`;
}

/** One invocation per TM×TN tile; rows and columns past the edge load clamped indices and are not stored, so the inner loop has no branches. */
function cpuMain(p: {
  tm: number;
  tn: number;
  wgSize: number;
  kEnd: string;
  write: Write;
  fast: "m" | "n";
  aVec: boolean;
  bVec: boolean;
  aK4?: boolean;
  bK4?: boolean;
  row4?: boolean;
  store4: boolean;
}): string {
  const [mTile, nTile] = p.fast === "n" ? ["tile / TILES_N", "tile % TILES_N"] : ["tile % TILES_M", "tile / TILES_M"];
  return `const TM = ${p.tm}u; // rows per invocation
const TN = ${p.tn}u; // columns per invocation

@compute @workgroup_size(${p.wgSize})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let id = (wid.y * GRID_X + wid.x) * ${p.wgSize}u + lane;
  if (id >= TILES_M * TILES_N * SLICES) { return; }
  let tile = id % (TILES_M * TILES_N);
  let slice = id / (TILES_M * TILES_N);
  let m0 = (${mTile}) * TM;
  let n0 = (${nTile}) * TN;
  let k_begin = slice * K_SLICE;
  let k_end = min(k_begin + K_SLICE, ${p.kEnd});
  var acc: array<array<f32, TN>, TM>;
${p.aK4 ? cpuLoopK4(p.bK4 ? "k4" : p.bVec ? "vec" : "scalar") : cpuLoop(p.aVec, p.bVec)}
${p.store4 ? cpuEpilogue4(p.tm, p.tn) : p.row4 ? cpuEpilogueRow4(p.tm, p.tn, p.write) : cpuEpilogue(p.tm, p.tn, p.write)}
}`;
}

/**
 * The stores of a TM×TN register tile. llvmpipe compiles every storage store into a branchy loop over
 * the lanes, so TM·TN unrolled stores cost most of the shader's JIT time (2 s of 2.1 s for a 16×16
 * tile) and much of its run time. Here a loop over the longer tile axis, which stays a loop, picks
 * that column (row) of the accumulators with selects, so only the shorter axis's stores are unrolled:
 * constant indices keep the accumulators in registers.
 */
function cpuEpilogue(tm: number, tn: number, write: Write): string {
  const store = (value: string) => `if (m < M && n < N) { ${write("m", "n", value)}; }`;
  if (tm * tn <= 64)
    return `  for (var i = 0u; i < TM; i++) {
    for (var j = 0u; j < TN; j++) {
      let m = m0 + i;
      let n = n0 + j;
      ${store("acc[i][j]")}
    }
  }`;
  const [outer, inner, outerSize] = tn >= tm ? (["j", "i", tn] as const) : (["i", "j", tm] as const);
  const at = (q: number | string) => (outer === "j" ? `acc[i][${q}]` : `acc[${q}][j]`);
  const picks = Array.from({ length: outerSize - 1 }, (_, q) => `      v = select(v, ${at(q + 1)}, ${outer} == ${q + 1}u);`);
  return `  // One store per ${inner === "i" ? "row" : "column"} per pass; the selects pick the accumulator of pass ${outer}.
  for (var ${outer} = 0u; ${outer} < ${outer === "j" ? "TN" : "TM"}; ${outer}++) {
    for (var ${inner} = 0u; ${inner} < ${inner === "i" ? "TM" : "TN"}; ${inner}++) {
      let m = m0 + i;
      let n = n0 + j;
      var v = ${at(0)};
${picks.join("\n")}
      ${store("v")}
    }
  }`;
}

/**
 * The stores of a TM×TN tile as vec4s of four columns (store_row4, or vec4 partials): a loop over the
 * rows picks row i with selects, and each group of four columns is one vec4 store (TN / 4 store
 * sites; see cpuEpilogue). Every n is a multiple of 4 and N is too, so n < N covers all four columns.
 */
function cpuEpilogueRow4(tm: number, tn: number, write: Write): string {
  const row = (r: number, g: number) => `vec4<f32>(${[0, 1, 2, 3].map((c) => `acc[${r}][${4 * g + c}]`).join(", ")})`;
  const groups = Array.from({ length: tn / 4 }, (_, g) =>
    [
      `    {`,
      `      let n = n0 + ${4 * g}u;`,
      `      var v = ${row(0, g)};`,
      ...Array.from({ length: tm - 1 }, (_, r) => `      v = select(v, ${row(r + 1, g)}, i == ${r + 1}u);`),
      `      if (m < M && n < N) { ${write("m", "n", "v")}; }`,
      `    }`,
    ].join("\n"),
  );
  return `  // One vec4 store per four columns per pass; the selects pick row i of the accumulators.
  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
${groups.join("\n")}
  }`;
}

/**
 * The stores of a TM×TN tile as vec4s of four rows (store4_c): a loop over the columns picks column j
 * with selects, and each group of four rows is one vec4 store (TM / 4 store sites; see cpuEpilogue).
 * Every m is a multiple of 4 and M is too, so m < M covers all four rows.
 */
function cpuEpilogue4(tm: number, tn: number): string {
  const column = (g: number, q: number) => `vec4<f32>(${[0, 1, 2, 3].map((r) => `acc[${4 * g + r}][${q}]`).join(", ")})`;
  const groups = Array.from({ length: tm / 4 }, (_, g) =>
    [
      `    {`,
      `      let m = m0 + ${4 * g}u;`,
      `      var v = ${column(g, 0)};`,
      ...Array.from({ length: tn - 1 }, (_, q) => `      v = select(v, ${column(g, q + 1)}, j == ${q + 1}u);`),
      `      if (m < M && n < N) { store4_c(m, n, v); }`,
      `    }`,
    ].join("\n"),
  );
  return `  // One vec4 store per four rows per pass; the selects pick column j of the accumulators.
  for (var j = 0u; j < TN; j++) {
    let n = n0 + j;
${groups.join("\n")}
  }`;
}

/** tfjs-style: the workgroup stages TILE×TILE_K of A and TILE_K×TILE of B, then each invocation does 4×4 outputs. */
function gpuMain(p: { kEnd: string; write: Write }): string {
  return `const TILE = ${GPU_TILE}u; // output tile edge per workgroup
const TILE_K = ${GPU_TILE_K}u; // K chunk staged per iteration
const PER = 4u; // outputs per invocation along each axis

var<workgroup> tile_a: array<f32, ${GPU_TILE * GPU_TILE_K}>; // TILE × TILE_K, row-major
var<workgroup> tile_b: array<f32, ${GPU_TILE_K * GPU_TILE}>; // TILE_K × TILE, row-major

@compute @workgroup_size(${GPU_THREADS}, ${GPU_THREADS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let tile = wid.y * GRID_X + wid.x;
  if (tile >= TILES_M * TILES_N) { return; } // uniform: the whole workgroup leaves
  let m_base = (tile / TILES_N) * TILE;
  let n_base = (tile % TILES_N) * TILE;
  let slice = wid.z;
  let k_begin = slice * K_SLICE;
  let k_end = min(k_begin + K_SLICE, ${p.kEnd});
  var acc: array<array<f32, PER>, PER>;
  for (var k0 = k_begin; k0 < k_end; k0 += TILE_K) {
    for (var e = lane; e < TILE * TILE_K; e += ${GPU_THREADS * GPU_THREADS}u) {
      let ka = k0 + e % TILE_K;
      tile_a[e] = select(0.0, load_a(m_base + e / TILE_K, ka), ka < k_end);
      let kb = k0 + e / TILE;
      tile_b[e] = select(0.0, load_b(kb, n_base + e % TILE), kb < k_end);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var a: array<f32, PER>;
      var b: array<f32, PER>;
      for (var i = 0u; i < PER; i++) { a[i] = tile_a[(lid.y * PER + i) * TILE_K + kk]; }
      for (var j = 0u; j < PER; j++) { b[j] = tile_b[kk * TILE + lid.x * PER + j]; }
      for (var i = 0u; i < PER; i++) {
        for (var j = 0u; j < PER; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < PER; i++) {
    for (var j = 0u; j < PER; j++) {
      let m = m_base + lid.y * PER + i;
      let n = n_base + lid.x * PER + j;
      if (m < M && n < N) { ${p.write("m", "n", "acc[i][j]")}; }
    }
  }
}`;
}

/** WGSL declarations for bindings, in order (binding i = bindings[i]), plus StepUniforms when bound. */
function declarations(bindings: readonly GemmBinding[]): string {
  const storage = bindings.filter((b) => b.access !== "uniform").length;
  if (storage > 8) throw new Error(`bug: ${storage} storage bindings; compat devices allow 8`);
  // WebGPU lets a buffer sit in several bindings of one bind group only when none of them is writable.
  const writable = bindings.find((b) => b.type === "vec4<f32>" && b.access !== "read" && bindings.some((o) => o !== b && o.buffer === b.buffer));
  if (writable) throw new Error(`bug: the vec4 alias ${writable.name} must be read-only`);
  const lines = bindings.map((b, i) =>
    b.access === "uniform"
      ? `@group(0) @binding(${i}) var<uniform> ${b.name}: StepUniforms;`
      : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.type ?? "f32"}>; // ${b.buffer}`,
  );
  return bindings.some((b) => b.access === "uniform") ? `${wgslStepUniforms}\n\n${lines.join("\n")}` : lines.join("\n");
}

function module(parts: readonly (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== "").join("\n\n") + "\n";
}

/** Indent every line of `text` by `level` steps of two spaces. */
export function indent(text: string, level: number): string {
  const pad = "  ".repeat(level);
  return text
    .split("\n")
    .map((l) => (l === "" ? l : pad + l))
    .join("\n");
}
