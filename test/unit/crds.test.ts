import { readdirSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderCrdFiles } from '../../src/resources/crd-files.ts';
import { toStructural } from '../../src/resources/crd.ts';

const crdsDir = new URL('../../crds/', import.meta.url);

describe('crds/', () => {
  it('holds exactly what the generator writes from the zod schemas (run `npm run crds` after changing a schema)', () => {
    const generated = renderCrdFiles();
    expect(readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) {
      expect(readFileSync(new URL(file, crdsDir), 'utf8'), `crds/${file} is stale`).toBe(text);
    }
  });
});

describe('structural schema conversion', () => {
  it('rejects a union with the path of the field, so the schema is fixed rather than the CRD loosened', () => {
    expect(() => toStructural({ type: 'object', properties: { port: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } }, '.spec')).toThrow(/\.spec\.port: anyOf/);
  });

  it('drops additionalProperties: false, which a structural schema may not carry', () => {
    expect(toStructural({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false })).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('keeps a typed map as additionalProperties', () => {
    expect(toStructural({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });
});

describe('crds/kustomization.yaml', () => {
  it('lists every CRD file, so `kubectl apply -k crds/` (and deploy/, which takes ../crds) installs them all', () => {
    const kustomization = load(readFileSync(new URL('kustomization.yaml', crdsDir), 'utf8')) as { kind: string; resources: string[] };
    expect(kustomization.kind).toBe('Kustomization');
    const crdFiles = readdirSync(crdsDir).filter((f) => f.startsWith('dcos.dev_') && f.endsWith('.yaml')).sort();
    expect(crdFiles).toHaveLength(4);
    expect([...kustomization.resources].sort()).toEqual(crdFiles);
  });
});
