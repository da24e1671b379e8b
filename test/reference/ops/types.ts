/** What every op's reference reads and returns: float64 tensors, rows × size, batch-major. */
import type { IrOp } from "../../../compiler/ir/graph.js";

/** Everything an op's forward pass may read. */
export interface ForwardArgs {
  /** Values of the op's input tensors (in `opInputs` order), rows × size each. */
  readonly xs: readonly Float64Array[];
  /** The parameter with this id, as a view of the arena. */
  readonly param: (id: number) => Float64Array;
  /** The non-trainable state arena (batch-norm running statistics). */
  readonly state: Float64Array;
  readonly rows: number;
  readonly training: boolean;
  readonly seed: number;
  readonly step: number;
}

/** Forward inputs plus the op's output values and dLoss/dY. */
export interface BackwardArgs extends ForwardArgs {
  readonly y: Float64Array;
  readonly dy: Float64Array;
}

/** A parameter's gradient (the parameter's full size). */
export interface ParamGrad {
  readonly param: number;
  readonly grad: Float64Array;
}

/** The float64 reference of one op kind: forward, parameter gradients, input gradients, state update. */
export interface OpReference<O extends IrOp> {
  forward(op: O, a: ForwardArgs): Float64Array;
  /** Gradients of the op's parameters (empty for ops without any). */
  params(op: O, a: BackwardArgs): ParamGrad[];
  /** dLoss/d(input `index`), rows × that input's size. */
  input(op: O, index: number, a: BackwardArgs): Float64Array;
  /** Writes to the state arena a forward pass makes (none for ops without state). */
  state(op: O, a: ForwardArgs): StateWrite[];
}

/** New values for the state arena from `offset` on. */
export interface StateWrite {
  readonly offset: number;
  readonly values: Float64Array;
}

/** No parameters to differentiate. */
export const noParams = (): ParamGrad[] => [];

/** No state to move. */
export const sameState = (): StateWrite[] => [];
