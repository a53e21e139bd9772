import { describe, expect, it } from 'vitest';
import { shared, sharedConditions, sharedMetadata } from '../../src/controllers/runtime/shared-strings.ts';

// What the caches keep through the table must read exactly as the apiserver sent it.
describe('shared strings', () => {
  const text = JSON.stringify({
    metadata: { name: 'app-1', namespace: 'team-1', uid: 'u-1', labels: { 'app.kubernetes.io/managed-by': 'dcos-operator' }, ownerReferences: [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', name: 'app-1', uid: 'u-0', controller: true }] },
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Running', message: '1 of 1 tasks running', lastTransitionTime: '2026-12-02T05:19:21.905Z' },
      { type: 'Progressing', status: 'False', lastTransitionTime: '2026-12-02T05:19:21.905Z' },
      { type: 'Degraded', status: 'False', reason: 'AsExpected', lastTransitionTime: '2026-12-01T00:00:00Z' },
    ],
  });

  it('keeps metadata and conditions equal to what was parsed, adding no keys', () => {
    const parsed = JSON.parse(text) as { metadata: Parameters<typeof sharedMetadata>[0]; conditions: Parameters<typeof sharedConditions>[0] };
    expect(sharedMetadata(parsed.metadata)).toStrictEqual(JSON.parse(text).metadata);
    expect(sharedConditions(parsed.conditions)).toStrictEqual(JSON.parse(text).conditions);
    expect(sharedConditions(undefined)).toBeUndefined();
  });

  it('gives back every string unchanged, also once its table is full', () => {
    for (let i = 0; i < 25_000; i++) expect(shared(`message ${i}`)).toBe(`message ${i}`);
    expect(shared(undefined)).toBeUndefined();
  });
});
