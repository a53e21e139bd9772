// Writes crds/*.yaml from the zod schemas in src/resources (a test fails when they differ).
import { writeFileSync, mkdirSync } from 'node:fs';
import { renderCrdFiles } from '../src/resources/crd-files.ts';

const dir = new URL('../crds/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [file, text] of renderCrdFiles()) {
  writeFileSync(new URL(file, dir), text);
  console.log(`wrote crds/${file}`);
}
