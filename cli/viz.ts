/** `dnnc viz CHECKPOINT`: the first layer's filters and one test image's feature maps, as PNG (seed 004's pictures). */
import { dirname, join } from "node:path";
import { activationsOf } from "../runtime/activations.js";
import type { ManifestParam } from "../runtime/engine/manifest.js";
import { requestNodeDevice } from "../runtime/node/gpu.js";
import { featureMaps, filterPicture } from "../runtime/pictures.js";
import { readWeightsFile, testSet } from "../runtime/train/node.js";
import type { CommandResult } from "./commands.js";
import { CommandFailure, guarded } from "./compile.js";
import { modelOf, weightsPath, writePng } from "./eval.js";

export interface VizOptions {
  readonly image: number;
  readonly out?: string;
  readonly layer?: string;
  readonly member: number;
  readonly version?: string;
}

/**
 * The first weight tensor that can be drawn as filters: a convolution's (F × C × kh × kw), or a
 * dense layer's on the input (in × out with in the input's size: each unit's weights as an image).
 */
function firstFilters(params: readonly ManifestParam[], input: readonly number[]): { param: ManifestParam; dims: number[]; transpose: boolean } | undefined {
  const w = params.find((p) => p.role === "weight");
  if (!w) return undefined;
  if (w.dims.length === 4) return { param: w, dims: [...w.dims], transpose: false };
  const size = input.reduce((a, d) => a * d, 1);
  if (w.dims.length === 2 && w.dims[0] === size && input.length === 3) return { param: w, dims: [w.dims[1]!, input[0]!, input[1]!, input[2]!], transpose: true };
  return undefined;
}

const stats = (v: Float32Array) => {
  let lo = Infinity, hi = -Infinity, sum = 0;
  for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); sum += x; }
  return `min ${lo.toPrecision(4)}, max ${hi.toPrecision(4)}, mean ${(sum / v.length).toPrecision(4)}`;
};

export function vizCommand(checkpoint: string, o: VizOptions): Promise<CommandResult> {
  return guarded(async () => {
    const path = weightsPath(checkpoint);
    const out = o.out ?? dirname(path);
    const gpu = await requestNodeDevice();
    try {
      const { compiled, warning } = modelOf(path, gpu, o.version);
      const { manifest } = compiled;
      const members = readWeightsFile(manifest, path);
      const w = members[o.member];
      if (!w) throw new CommandFailure(`member ${o.member} does not exist: this checkpoint holds ${members.length} member${members.length === 1 ? "" : "s"} (0…${members.length - 1})`);
      const lines: string[] = [];

      const f = firstFilters(manifest.params, manifest.input.dims);
      if (f) {
        let values = w.params.subarray(f.param.offset, f.param.offset + f.param.size);
        if (f.transpose) {
          const [inputs, units] = f.param.dims as [number, number];
          const t = new Float32Array(values.length);
          for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) t[u * inputs + i] = values[i * units + u]!;
          values = t;
        }
        const file = writePng(join(out, "filters.png"), filterPicture(values, f.dims, f.transpose ? { zoom: 2 } : {}));
        lines.push(`${f.param.name} (${f.dims.join("×")}): ${file}`);
      } else lines.push(`no convolution or input-layer weights to draw as filters`);

      const set = testSet(manifest);
      if (!(o.image >= 0 && o.image < set.count)) throw new CommandFailure(`image index ${o.image} is outside the test set (0…${set.count - 1})`);
      const size = manifest.input.size;
      const image = set.images.slice(o.image * size, (o.image + 1) * size);
      const acts = await activationsOf(compiled, w, image, gpu);
      const chosen = o.layer ? acts.filter((a) => a.tensor === o.layer) : acts.filter((a) => a.dims.length === 3);
      if (o.layer && chosen.length === 0) throw new CommandFailure(`no layer output named \`${o.layer}\`; this model has: ${acts.map((a) => a.tensor).join(", ")}`);
      lines.push(`test image ${o.image} (label ${set.labels[o.image]}):`);
      for (const a of chosen) {
        const dims = a.dims.length === 3 ? a.dims : [1, 1, a.values.length];
        const file = writePng(join(out, `maps-${o.image}-${a.tensor}.png`), featureMaps(a.values, dims, a.dims.length === 3 ? {} : { zoom: 6, columns: 1 }));
        lines.push(`  ${a.tensor} (${a.dims.join("×")}; ${stats(a.values)}): ${file}`);
      }
      return { stdout: lines.join("\n") + "\n", stderr: warning, code: 0 };
    } finally {
      await gpu.destroy();
    }
  });
}
