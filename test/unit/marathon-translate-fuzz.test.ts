import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { translationProperty, type TranslationTally } from '../support/fuzz/marathon-translation-property.ts';

// With universe-render-fuzz's 5,000 packages: 10,000 generated inputs in `npm test`;
// `npm run chaos -- fuzz` runs the same properties 100,000 times.
const RUNS = 5_000;

describe('the Marathon translation under generated apps', () => {
  it(`never throws, refuses naming a spec field, and owns what it makes (${RUNS} apps)`, () => {
    const tally: TranslationTally = { translated: 0, refused: 0 };
    fc.assert(translationProperty(tally), { numRuns: RUNS });
    expect(tally.translated + tally.refused).toBe(RUNS);
    // Both outcomes must be common, or the generator has drifted away from what users write.
    expect(tally.translated).toBeGreaterThan(RUNS / 10);
    expect(tally.refused).toBeGreaterThan(RUNS / 10);
  }, 120_000);
});
