// Writes crds/*.yaml (and crds/kustomization.yaml) from the zod schemas in src/resources, and the
// generated files of deploy/ (a test fails when either differs).
import { writeFileSync, mkdirSync } from 'node:fs';
import { renderCrdFiles } from '../src/resources/crd-files.ts';
import { writeDeployFiles } from './generate-deploy.ts';

const dir = new URL('../crds/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [file, text] of renderCrdFiles()) {
  writeFileSync(new URL(file, dir), text);
  console.log(`wrote crds/${file}`);
}
writeDeployFiles();
