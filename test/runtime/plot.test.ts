import { describe, expect, it } from 'vitest';
import { type EpochPoint, niceTicks, renderTrainingChart } from '../../runtime/plot.js';

/** A minimal well-formedness check: every tag closes in order, attributes are quoted. */
function checkXml(svg: string): string[] {
  const stack: string[] = [];
  const tags = svg.match(/<[^>]+>/g) ?? [];
  for (const tag of tags) {
    if (tag.startsWith('</')) {
      expect(stack.pop()).toBe(tag.slice(2, -1));
    } else {
      expect(tag).toMatch(/^<[a-z]+(\s+[a-zA-Z0-9:-]+="[^"<]*")*\s*\/?>$/);
      if (!tag.endsWith('/>')) stack.push(/^<([a-z]+)/.exec(tag)![1]!);
    }
  }
  expect(stack).toEqual([]);
  return tags;
}

const history: EpochPoint[] = [
  { epoch: 1, trainLoss: 0.9, validationLoss: 0.5, trainAccuracy: 0.8, validationAccuracy: 0.9 },
  { epoch: 2, trainLoss: 0.4, validationLoss: 0.3, trainAccuracy: 0.9, validationAccuracy: 0.93 },
  { epoch: 3, trainLoss: 0.2, validationLoss: 0.25, trainAccuracy: 0.95, validationAccuracy: 0.95 },
  { epoch: 4, trainLoss: 0.1, trainAccuracy: 0.97 }, // no validation this epoch
];

describe('niceTicks', () => {
  it('picks steps of 1, 2 or 5 × 10^k', () => {
    expect(niceTicks(0, 2.3, 6)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(97.1, 99.4, 6)).toEqual([97, 97.5, 98, 98.5, 99, 99.5]);
    expect(niceTicks(1, 20, 10)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0.1, 0.1)).toEqual([0.09, 0.095, 0.1, 0.105, 0.11]); // degenerate range widened by 10%
  });
});

describe('renderTrainingChart', () => {
  const svg = renderTrainingChart(history, { title: 'LeNet <5> & friends' });

  it('is well-formed SVG with an escaped title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    checkXml(svg);
    expect(svg).toContain('LeNet &lt;5&gt; &amp; friends');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('has one point per finite value in each series', () => {
    const count = (id: string) => {
      const poly = new RegExp(`<polyline data-series="${id}"[^>]* points="([^"]*)"`).exec(svg)![1]!;
      const group = new RegExp(`<g data-series="${id}"[^>]*>(.*?)</g>`).exec(svg)![1]!;
      return [poly.trim().split(/\s+/).length, (group.match(/<circle/g) ?? []).length];
    };
    expect(count('train-loss')).toEqual([4, 4]);
    expect(count('train-accuracy')).toEqual([4, 4]);
    expect(count('validation-loss')).toEqual([3, 3]);
    expect(count('validation-accuracy')).toEqual([3, 3]);
  });

  it('labels both axes and the epochs', () => {
    for (const text of ['>epoch<', '>loss<', '>accuracy (%)<', '>1<', '>4<', '>train loss<', '>validation accuracy<']) {
      expect(svg).toContain(text);
    }
  });

  it('maps values to pixels: first and last epochs at the plot edges, loss 0 at the bottom', () => {
    const pts = /<polyline data-series="train-loss"[^>]* points="([^"]*)"/.exec(svg)![1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(pts[0]![0]).toBe(70); // left margin
    expect(pts[3]![0]).toBe(720 - 70);
    // Loss ticks 0…1 (step 0.2) over the plot height 56…370: 0.9 sits at 370 − 0.9·314.
    expect(pts[0]![1]).toBeCloseTo(370 - 0.9 * 314, 1);
  });

  it('draws a single epoch and an accuracy-only history', () => {
    const one = renderTrainingChart([{ epoch: 1, trainAccuracy: 1 }]);
    checkXml(one);
    expect(one).not.toContain('>loss<');
    expect((one.match(/<circle/g) ?? []).length).toBe(1);
    checkXml(renderTrainingChart([]));
  });
});
