import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeCorpus } from '../support/corpora.ts';
import { COMPATIBILITY_DOC, compatibilityReport } from '../../scripts/compatibility.ts';

describeCorpus('marathon-wild', 'docs/compatibility.md', () => {
  it('is what `npm run compatibility` writes (run it after changing the translation)', async () => {
    const { markdown } = await compatibilityReport();
    expect(readFileSync(COMPATIBILITY_DOC, 'utf8'), 'docs/compatibility.md is stale: run `npm run compatibility`').toBe(markdown);
  });

  it('names the field of every refusal, or says the file is not JSON', async () => {
    const { sections } = await compatibilityReport();
    for (const row of sections.filter((s) => !s.title.startsWith('Universe')).flatMap((s) => s.rows).filter((r) => r.outcome === 'refused')) {
      for (const reason of row.details) expect(reason, `${row.source} ${row.subject}`).toMatch(/^(spec\.[^:]+|metadata\.[^:]+|not JSON[^:]*): /);
    }
  });

  it('names the field of every Universe package refused at admission', async () => {
    const { sections } = await compatibilityReport();
    const universe = sections.find((s) => s.title.startsWith('Universe'))!;
    for (const row of universe.rows.filter((r) => r.details[0]!.startsWith('refused: ') && !r.details[0]!.includes('OptionsInvalid'))) {
      expect(row.details[0], row.source).toMatch(/^refused: ([^:]+: spec\.[^:]+|[A-Z][A-Za-z]+): /);
    }
  });
});
