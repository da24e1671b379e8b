/**
 * The only browser-specific parts of training: the device from navigator.gpu and the data fetched
 * from the server. Compiling and training are the CLI's own functions (compileModel, trainInMemory:
 * the same data split, engine and loop as `dnnc train`).
 */
import { requestBrowserDevice, type GpuHandle } from "../../runtime/device.js";
import { fetchDataset } from "../../runtime/data/fetch.js";
import type { DatasetName } from "../../runtime/data/datasets.js";
import type { ImageSet } from "../../runtime/data/image-set.js";
import type { DataConfig } from "../../runtime/engine/manifest.js";
import { InvalidArgumentError, type UncapturedGpuError } from "../../runtime/errors.js";

let device: Promise<GpuHandle> | undefined;

/** The page's one device, opened on first use; GPU errors go to `onError`. */
export function pageDevice(onError: (message: string) => void): Promise<GpuHandle> {
  device ??= requestBrowserDevice({
    onUncapturedError: (e: UncapturedGpuError) => onError(e.message),
    onLost: (e) => {
      device = undefined;
      onError(e.message);
    },
  });
  device.catch(() => (device = undefined));
  return device;
}

/** The data set a training config names, when the page can serve it. */
export function datasetOf(data: DataConfig): DatasetName {
  if (data.kind === "mnist") return "mnist";
  if (data.kind === "fashion_mnist") return "fashion-mnist";
  throw new InvalidArgumentError(`the page trains on \`data mnist\` or \`data fashion_mnist\`; \`data ${data.kind} …\` names files it cannot read (use \`dnnc train\`)`);
}

const cache = new Map<DatasetName, Promise<{ train: ImageSet; test: ImageSet }>>();

/** Both parts of a data set from `<base>/<name>/`, fetched once per page. */
export function pageData(base: string, name: DatasetName): Promise<{ train: ImageSet; test: ImageSet }> {
  let p = cache.get(name);
  if (!p) {
    p = Promise.all([fetchDataset(base, name, "train"), fetchDataset(base, name, "test")]).then(([train, test]) => ({ train, test }));
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}
