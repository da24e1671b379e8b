/**
 * The examples the page offers, bundled as text. They are also the files an edited source may
 * `import` (by their paths below), exactly as they sit in the repository's examples/ folder.
 */
import fc100 from "../../examples/mnist/1-fc100-sigmoid.dnn";
import oneConv from "../../examples/mnist/2-one-conv-pool.dnn";
import twoConv from "../../examples/mnist/3-two-conv-pool.dnn";
import reluL2 from "../../examples/mnist/4-relu-l2.dnn";
import dropout from "../../examples/mnist/7-dropout.dnn";
import fastAdam from "../../examples/mnist/fast-adam.dnn";
import lenet5 from "../../examples/classic/lenet5.dnn";
import convPool from "../../examples/blocks/conv-pool.dnn";
import resnet from "../../examples/residual/small-resnet.dnn";

/** Path (as in the repository) → source text. */
export const examples: ReadonlyMap<string, string> = new Map([
  ["examples/mnist/1-fc100-sigmoid.dnn", fc100],
  ["examples/mnist/2-one-conv-pool.dnn", oneConv],
  ["examples/mnist/3-two-conv-pool.dnn", twoConv],
  ["examples/mnist/4-relu-l2.dnn", reluL2],
  ["examples/mnist/7-dropout.dnn", dropout],
  ["examples/mnist/fast-adam.dnn", fastAdam],
  ["examples/classic/lenet5.dnn", lenet5],
  ["examples/blocks/conv-pool.dnn", convPool],
  ["examples/residual/small-resnet.dnn", resnet],
]);
