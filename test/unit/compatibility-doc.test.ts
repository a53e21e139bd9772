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
    for (const row of sections.flatMap((s) => s.rows).filter((r) => r.outcome === 'refused')) {
      for (const reason of row.details) expect(reason, `${row.source} ${row.subject}`).toMatch(/^(spec\.[^:]+|metadata\.[^:]+|not JSON[^:]*): /);
    }
  });
});
