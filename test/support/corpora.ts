import { describe, it } from 'vitest';
import { corpusMissing, corpusPresent, type Corpus } from './corpus-location.ts';

export { corpusPath, corpusPresent, fixturesDir, type Corpus } from './corpus-location.ts';

const required = process.env.CI === 'true' || process.env.CI === '1';
const announced = new Set<Corpus>();

/**
 * A describe block over a real-world corpus: runs when the corpus is there; otherwise fails under
 * CI (the corpora are required there), and elsewhere is reported as not run, with one line saying
 * what is missing and how to get it, so a fresh clone passes its own tests.
 */
export function describeCorpus(corpus: Corpus, name: string, body: () => void): void {
  if (corpusPresent(corpus)) {
    describe(name, body);
    return;
  }
  if (required) {
    describe(name, () => {
      it(`finds the ${corpus} corpus (required with CI=true)`, () => {
        throw new Error(corpusMissing(corpus));
      });
    });
    return;
  }
  if (!announced.has(corpus)) {
    announced.add(corpus);
    console.warn(`not run: ${name}: ${corpusMissing(corpus)}`);
  }
  // The body is not even collected: it may read the corpus as it declares its tests.
  describe.skipIf(true)(name, () => {
    it(`needs the ${corpus} corpus`, () => undefined);
  });
}
