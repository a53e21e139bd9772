import { readdirSync, readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import { renderDcosPackage } from '../../src/universe/package-render.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';

const examplesDir = new URL('../../examples/', import.meta.url);
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort();
const examples = files.flatMap((file) => (loadAll(readFileSync(new URL(file, examplesDir), 'utf8')) as Array<{ kind: string; metadata: { name: string } }>).map((doc) => ({ file, doc })));
const validators = kindValidators();

describe('examples/', () => {
  it('has a DcosService, a DcosPackage and a DcosPackageRepository', () => {
    expect(new Set(examples.map((e) => e.doc.kind))).toEqual(new Set(['DcosService', 'DcosPackage', 'DcosPackageRepository']));
  });

  it.each(examples.map((e) => [`${e.file} (${e.doc.kind} ${e.doc.metadata.name})`, e.doc] as const))('%s passes the admission validation', async (_name, doc) => {
    expect(await validators.get(doc.kind)!.validate(doc)).toEqual([]);
  });

  it('installs the nginx package from the default repository with its example options, into a valid DcosService', async () => {
    const dpkg = examples.find((e) => e.doc.kind === 'DcosPackage')!.doc as unknown as DcosPackage;
    const index = await readUniverseTree(fileURLToPath(new URL('../../packages/', import.meta.url)));
    if (!index.ok) throw new Error(index.error.message);
    const rendered = renderDcosPackage({ ...dpkg, metadata: { ...dpkg.metadata, uid: 'example-uid' } }, [{ name: 'default', index: index.value }]);
    if (!rendered.ok) throw new Error(`${rendered.error.reason}: ${rendered.error.message}`);
    expect(rendered.value.services.length).toBeGreaterThan(0);
    for (const svc of rendered.value.services) expect(await validators.get('DcosService')!.validate(svc)).toEqual([]);
  });
});
