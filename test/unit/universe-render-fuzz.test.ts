import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderProperty, type RenderTally } from '../support/fuzz/universe-render-property.ts';

// With marathon-translate-fuzz's 5,000 apps: 10,000 generated inputs in `npm test`;
// `npm run chaos -- fuzz` runs the same properties 100,000 times.
const RUNS = 5_000;

describe('the Universe rendering under generated packages, templates and options', () => {
  it(`never throws, says where a refusal comes from, renders only the package's own DcosServices in its namespace (${RUNS} packages)`, () => {
    const tally: RenderTally = { rendered: 0, refused: 0, services: 0, reasons: {} };
    fc.assert(renderProperty(tally), { numRuns: RUNS });
    expect(tally.rendered + tally.refused).toBe(RUNS);
    // Most generated packages are refused somewhere (that is where the rules are); enough must render to check the output.
    expect(tally.rendered, JSON.stringify(tally)).toBeGreaterThan(RUNS / 50);
    expect(tally.refused, JSON.stringify(tally)).toBeGreaterThan(RUNS / 10);
    console.log(`universe render fuzz: ${JSON.stringify(tally)}`);
  }, 120_000);
});
