/**
 * Learning-rate schedules as plain data, and a pure function from (schedule, training clock) to η.
 * Step, exponential and plateau decays change η once per epoch; cosine anneals it every step (over the
 * fractional epoch); the optional warmup ramps it per step and multiplies any decay.
 * The plateau decay depends on validation results, so it carries a small state that the trainer
 * advances once per epoch with `updatePlateau`.
 */

import { type MetricGoal, improves } from './metric-goal.js';

/** How η decays with the epoch. */
export type Decay =
  | { readonly kind: 'constant' }
  /** η·factor^⌊epoch / everyEpochs⌋ */
  | { readonly kind: 'step'; readonly everyEpochs: number; readonly factor: number }
  /** η·gamma^epoch */
  | { readonly kind: 'exponential'; readonly gamma: number }
  /** η·(m + (1 − m)·(1 + cos(π·min(t, epochs)/epochs))/2), m = minFactor, t = epoch + step/stepsPerEpoch */
  | { readonly kind: 'cosine'; readonly epochs: number; readonly minFactor: number }
  /** η·factor each time `metric` fails to improve for `patience` epochs; done at η·minFactor. */
  | {
      readonly kind: 'plateau';
      readonly patience: number;
      readonly factor: number;
      readonly minFactor: number;
      readonly metric: MetricGoal;
    };

/** Linear warmup from 0 to the scheduled η over `epochs` epochs, counted in steps. */
export interface Warmup {
  readonly epochs: number;
}

/** A full schedule: base rate, decay, optional warmup. */
export type Schedule = Decay & { readonly base: number; readonly warmup?: Warmup };

/** The plateau decay's memory: best metric so far, epochs since, current multiplier. */
export interface PlateauState {
  readonly best: number | null;
  readonly badEpochs: number;
  readonly factor: number;
  /** True once the multiplier has reached minFactor: the schedule asks training to stop. */
  readonly finished: boolean;
}

/** Where training is: 0-based epoch, 0-based step within it, and the steps each epoch has. */
export interface ScheduleState {
  readonly epoch: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Needed by the plateau decay; initialPlateauState() when absent. */
  readonly plateau?: PlateauState;
}

type PlateauDecay = Extract<Decay, { kind: 'plateau' }>;

/** The plateau state before any epoch has been observed. */
export function initialPlateauState(): PlateauState {
  return { best: null, badEpochs: 0, factor: 1, finished: false };
}

/** The learning rate for the step at `state`. */
export function learningRate(spec: Schedule, state: ScheduleState): number {
  return spec.base * decayFactor(spec, state) * warmupFactor(spec.warmup, state);
}

/** The decay multiplier (≤ 1 for sensible specs) at the state's epoch (cosine: at its step). */
export function decayFactor(decay: Decay, state: ScheduleState): number {
  const e = state.epoch;
  switch (decay.kind) {
    case 'constant':
      return 1;
    case 'step':
      return decay.factor ** Math.floor(e / decay.everyEpochs);
    case 'exponential':
      return decay.gamma ** e;
    case 'cosine': {
      const t = Math.min(e + state.step / state.stepsPerEpoch, decay.epochs) / decay.epochs;
      return decay.minFactor + ((1 - decay.minFactor) * (1 + Math.cos(Math.PI * t))) / 2;
    }
    case 'plateau':
      return (state.plateau ?? initialPlateauState()).factor;
  }
}

/** Warmup multiplier: g / W for global step g < W = epochs·stepsPerEpoch, else 1 (so it starts at 0). */
export function warmupFactor(warmup: Warmup | undefined, state: ScheduleState): number {
  if (!warmup || warmup.epochs <= 0) return 1;
  const total = warmup.epochs * state.stepsPerEpoch;
  const g = state.epoch * state.stepsPerEpoch + state.step;
  return g >= total ? 1 : g / total;
}

/**
 * Advances the plateau decay with one epoch's metric: an improvement resets the count; `patience`
 * epochs without one multiply η by `factor` and restart the count. Reaching minFactor (within
 * rounding) clamps the multiplier there and marks the schedule finished.
 */
export function updatePlateau(spec: PlateauDecay, state: PlateauState, value: number): PlateauState {
  if (state.finished) return state;
  if (improves(spec.metric, value, state.best)) return { ...state, best: value, badEpochs: 0 };
  const bad = state.badEpochs + 1;
  if (bad < spec.patience) return { ...state, badEpochs: bad };
  const factor = state.factor * spec.factor;
  const finished = factor <= spec.minFactor * (1 + 1e-9);
  return { best: state.best, badEpochs: 0, factor: finished ? spec.minFactor : factor, finished };
}

/** True when the schedule itself asks training to end (only the plateau decay does). */
export function scheduleFinished(spec: Schedule, plateau: PlateauState | undefined): boolean {
  return spec.kind === 'plateau' && (plateau?.finished ?? false);
}
