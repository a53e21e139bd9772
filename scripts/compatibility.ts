// `npm run compatibility`: how real DC/OS material fares, as a table; writes docs/compatibility.md.
import { writeFileSync } from 'node:fs';
import Table from 'cli-table3';
import { corpusMissing, corpusPresent } from '../test/support/corpus-location.ts';
import { counts, reportMarkdown, type Section } from './compatibility/compatibility-report.ts';
import { marathonWildSection } from './compatibility/marathon-wild-section.ts';
import { universeSection } from './compatibility/universe-section.ts';

/** One function per corpus; a corpus that is absent leaves the command with a clear message. */
export const SECTIONS: Array<{ corpus: 'marathon-wild' | 'universe'; build: () => Promise<Section> }> = [
  { corpus: 'marathon-wild', build: marathonWildSection },
  { corpus: 'universe', build: universeSection },
];

export async function compatibilityReport(): Promise<{ sections: Section[]; markdown: string }> {
  const sections: Section[] = [];
  for (const s of SECTIONS) sections.push(await s.build());
  return { sections, markdown: reportMarkdown(sections) };
}

export const COMPATIBILITY_DOC = new URL('../docs/compatibility.md', import.meta.url);

if (import.meta.main) {
  for (const s of SECTIONS) {
    if (!corpusPresent(s.corpus)) {
      process.stderr.write(`compatibility: ${corpusMissing(s.corpus)}\n`);
      process.exit(1);
    }
  }
  const { sections, markdown } = await compatibilityReport();
  for (const section of sections) {
    const table = new Table({ head: ['source', 'app', 'outcome', 'warnings / why refused'], colWidths: [34, 30, 14, 90], wordWrap: true });
    for (const r of section.rows) table.push([r.source, r.subject, r.outcome, r.details.join('\n')]);
    const c = counts(section.rows);
    process.stdout.write(`${section.title}\n${table.toString()}\n${section.rows.length} in all: ${Object.entries(c).filter(([o, n]) => n > 0 || !o.includes('(') && !o.startsWith('needs')).map(([o, n]) => `${n} ${o}`).join(', ')}\n\n`);
  }
  writeFileSync(COMPATIBILITY_DOC, markdown);
  process.stdout.write(`wrote docs/compatibility.md\n`);
}
