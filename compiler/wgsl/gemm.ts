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
 *        unrolled stores were most of llvmpipe's JIT time.
 *   gpu  32×32 output tiles staged through workgroup memory in K-chunks of 16, 8×8 invocations
 *        with 4×4 outputs each (the tfjs MatMulPacked layout).
 * Split-K: when the output has too few tiles to fill the machine and K is long, slices of K run in
 * parallel into an aux partials buffer and a second kernel sums them through the epilogue. The gpu
 * strategy runs slices along grid z; the cpu strategy packs (tile, slice) pairs into consecutive
 * invocations, so a GEMM with few tiles still fills whole workgroups (llvmpipe runs 8 lanes at once).
 */
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
  /** Which output axis consecutive invocations walk (cpu strategy): pick the one whose loads are contiguous. */
  readonly fastAxis?: "m" | "n";
}

/** Choices a caller may force; the defaults come from the context. */
export interface GemmOptions {
  readonly strategy?: "cpu" | "gpu";
  /** Register tile of one invocation (cpu strategy). */
  readonly tm?: number;
  readonly tn?: number;
  /** Number of K slices, or "auto" (default). */
  readonly splitK?: number | "auto";
  /** Use the spec's vec4 accessors where the tile allows (cpu strategy; default true). */
  readonly vec4?: boolean;
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
  readonly strategy: "cpu" | "gpu";
  readonly tm: number;
  readonly tn: number;
  readonly slices: number;
  /** Whether A (B) loads four rows (columns) with one vec4 load (cpu strategy). */
  readonly aVec: boolean;
  readonly bVec: boolean;
}

/** Render the kernels of one GEMM. */
export function renderGemm(spec: GemmSpec, ctx: RenderContext, options: GemmOptions = {}): GemmKernels {
  const plan = planGemm(spec, ctx, options);
  const { strategy, tm, tn, slices, aVec, bVec } = plan;
  const wgSize = strategy === "gpu" ? GPU_THREADS * GPU_THREADS : cpuWorkgroup(ctx);
  const tilesM = Math.ceil(spec.m / tm);
  const tilesN = Math.ceil(spec.n / tn);
  const groups = strategy === "gpu" ? tilesM * tilesN : Math.ceil((tilesM * tilesN * slices) / wgSize);
  const kSlice = Math.ceil(spec.k / slices);
  const grid = grid2d(groups, ctx.maxWorkgroupsPerDimension);
  const partials = slices > 1 ? `${spec.name}_partials` : undefined;

  const vec = aVec || bVec;
  const store4 = strategy === "cpu" && aVec && slices === 1 && spec.store4 ? spec.store4 : undefined;
  const bound = spec.bindings
    .filter((b) => vec || b.type !== "vec4<f32>")
    .map((b) => (store4 && b.buffer === store4.binding.buffer && b.use === "store" ? store4.binding : b));
  const gemmBindings: GemmBinding[] = partials
    ? [...bound.filter((b) => b.use !== "store"), { name: "partials", buffer: `aux:${partials}`, access: "read_write", use: "store" }]
    : bound;
  const strategyLine =
    strategy === "gpu"
      ? `Strategy gpu: ${GPU_TILE}×${GPU_TILE} output tiles staged through workgroup memory (K chunks of ${GPU_TILE_K}), ${GPU_THREADS}×${GPU_THREADS} invocations × 4×4 outputs.`
      : `Strategy cpu: each invocation owns a ${tm}×${tn} register tile; no workgroup memory, no barriers.${vecLine(aVec, bVec)}`;
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
  const write: Write = partials ? (m, n, v) => `partials[(slice * M + ${m}) * N + ${n}] = ${v}` : (m, n, v) => `store_c(${m}, ${n}, ${v})`;
  const main =
    strategy === "gpu"
      ? gpuMain({ kEnd, write })
      : cpuMain({ tm, tn, wgSize, kEnd, write, fast: spec.fastAxis ?? "n", aVec, bVec, store4: store4 !== undefined });
  const gemmCode = [
    header.join("\n"),
    declarations(gemmBindings),
    [...dimConstants(spec), ...layout].join("\n"),
    spec.helpers?.trim(),
    accessors(spec, strategy === "gpu", aVec, bVec),
    partials ? undefined : spec.storeHelpers?.trim(),
    partials ? undefined : store4 ? `// C(m..m+3, n): ${store4.doc}\nfn store4_c(m: u32, n: u32, value: vec4<f32>) {\n${indent(store4.body.trim(), 1)}\n}` : epilogue(spec),
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
  kernels.push(reduceKernel(spec, ctx, partials, slices));
  return { kernels, aux: [{ name: partials, floats: slices * spec.m * spec.n }] };
}

/** The kernel that sums split-K partials and applies the epilogue, one invocation per output. */
function reduceKernel(spec: GemmSpec, ctx: RenderContext, partials: string, slices: number): Kernel {
  const bindings: GemmBinding[] = [{ name: "partials", buffer: `aux:${partials}`, access: "read", use: "load" }, ...spec.bindings.filter((b) => b.use !== "load")];
  const outputs = spec.m * spec.n;
  const wg = cpuWorkgroup(ctx);
  const grid = grid2d(Math.ceil(outputs / wg), ctx.maxWorkgroupsPerDimension);
  const code = [
    [`// ${spec.name}_reduce: ${spec.op} at ${spec.origin}`, ...spec.summary.map((s) => `//   ${s}`), `// Sums the ${slices} split-K partials of ${spec.name} and applies the epilogue; one invocation per output.`].join("\n"),
    declarations(bindings),
    [...dimConstants(spec).filter((c) => !c.startsWith("const K ")), `const SLICES = ${slices}u;`, `const GRID_X = ${grid[0]}u; // workgroups along x`].join("\n"),
    spec.storeHelpers?.trim(),
    epilogue(spec),
    `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (wid.y * GRID_X + wid.x) * ${wg}u + lane;
  if (i >= M * N) { return; }
  var sum = 0.0;
  for (var s = 0u; s < SLICES; s++) { sum += partials[s * M * N + i]; }
  store_c(i / N, i % N, sum);
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
  const offered = { m: vec && spec.a4 !== undefined && spec.m % 4 === 0, n: vec && spec.b4 !== undefined && spec.n % 4 === 0 };
  const [autoM, autoN] = cpuTile(spec, options.splitK !== 1, offered);
  const tm = options.tm ?? autoM;
  const tn = options.tn ?? autoN;
  const tiles = Math.ceil(spec.m / tm) * Math.ceil(spec.n / tn);
  const slices = auto ? autoSlices(tiles, CPU_PARALLEL, spec.k, 128) : (options.splitK as number);
  return { strategy: "cpu", tm, tn, slices: clampSlices(slices, spec.k, ctx), aVec: offered.m && tm % 4 === 0, bVec: offered.n && tn % 4 === 0 };
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
function accessors(spec: GemmSpec, checked: boolean, aVec: boolean, bVec: boolean): string {
  const fns = [
    `// A(m, k): ${spec.a.doc}\nfn a_at(m: u32, k: u32) -> f32 {\n${indent(spec.a.body.trim(), 1)}\n}`,
    `// B(k, n): ${spec.b.doc}\nfn b_at(k: u32, n: u32) -> f32 {\n${indent(spec.b.body.trim(), 1)}\n}`,
  ];
  if (aVec && spec.a4) fns.push(`// A(m..m+3, k): ${spec.a4.doc}\nfn a4_at(m: u32, k: u32) -> vec4<f32> {\n${indent(spec.a4.body.trim(), 1)}\n}`);
  if (bVec && spec.b4) fns.push(`// B(k, n..n+3): ${spec.b4.doc}\nfn b4_at(k: u32, n: u32) -> vec4<f32> {\n${indent(spec.b4.body.trim(), 1)}\n}`);
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

/** One invocation per TM×TN tile; rows and columns past the edge load clamped indices and are not stored, so the inner loop has no branches. */
function cpuMain(p: { tm: number; tn: number; wgSize: number; kEnd: string; write: Write; fast: "m" | "n"; aVec: boolean; bVec: boolean; store4: boolean }): string {
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
${cpuLoop(p.aVec, p.bVec)}
${p.store4 ? cpuEpilogue4(p.tm, p.tn) : cpuEpilogue(p.tm, p.tn, p.write)}
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
