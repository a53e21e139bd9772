import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Where the real-world corpora are (real Marathon apps, real Universe packages). They are not the
 * project's own files: one setting, DCOS_FIXTURES_DIR, names the folder that holds them, by default
 * ../shared/fixtures beside the checkout. Tests use describeCorpus (corpora.ts); benches read this.
 */

export type Corpus = 'marathon' | 'marathon-wild' | 'universe';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The folder that holds the corpora (it may not exist). */
export const fixturesDir = resolve(process.env.DCOS_FIXTURES_DIR ?? join(repoRoot, '..', 'shared', 'fixtures'));

/** A corpus's folder, or a file or folder inside it, as a path (it may not exist: see corpusPresent). */
export function corpusPath(corpus: Corpus, ...parts: string[]): string {
  return join(fixturesDir, corpus, ...parts);
}

export function corpusPresent(corpus: Corpus): boolean {
  return existsSync(corpusPath(corpus));
}

/** One line saying what is missing and how to get it. */
export function corpusMissing(corpus: Corpus): string {
  return `the ${corpus} corpus is not at ${corpusPath(corpus)}: set DCOS_FIXTURES_DIR to a folder holding marathon/, marathon-wild/ and universe/ (the project's shared/fixtures)`;
}
