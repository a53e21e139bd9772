import { describe, expect, test } from 'vitest';
import { translateConstraints } from '../../src/marathon/marathon-constraints.ts';
import { expandRegex } from '../../src/marathon/marathon-regex-values.ts';

const own = { 'dcos.dev/service': 'web' };
const self = (topologyKey: string) => ({ labelSelector: { matchLabels: own }, topologyKey });

describe('constraints onto scheduling', () => {
  test.each([
    ['UNIQUE hostname: one task per node', [['hostname', 'UNIQUE']], { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('kubernetes.io/hostname')] } } }],
    ['@hostname is hostname', [['@hostname', 'UNIQUE']], { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('kubernetes.io/hostname')] } } }],
    [
      'UNIQUE on an attribute also needs the attribute',
      [['rack_id', 'UNIQUE']],
      {
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack_id', operator: 'Exists' }] }] } },
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('rack_id')] },
        },
      },
    ],
    ['CLUSTER with a value pins the node label', [['rack_id', 'CLUSTER', 'rack-1']], { nodeSelector: { rack_id: 'rack-1' } }],
    ['CLUSTER hostname with a value pins the node', [['hostname', 'CLUSTER', 'node-a']], { nodeSelector: { 'kubernetes.io/hostname': 'node-a' } }],
    ['CLUSTER without value keeps tasks together', [['hostname', 'CLUSTER']], { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('kubernetes.io/hostname')] } } }],
    ['IS on @zone', [['@zone', 'IS', 'eu-1a']], { nodeSelector: { 'topology.kubernetes.io/zone': 'eu-1a' } }],
    [
      'GROUP_BY with a count spreads over at least that many values',
      [['@region', 'GROUP_BY', '3']],
      { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/region', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: own }, minDomains: 3 }] },
    ],
    ['MAX_PER 1 is UNIQUE', [['hostname', 'MAX_PER', '1']], { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self('kubernetes.io/hostname')] } } }],
    [
      'LIKE with listed values',
      [['rack_id', 'LIKE', 'rack-[1-3]']],
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack_id', operator: 'In', values: ['rack-1', 'rack-2', 'rack-3'] }] }] } } } },
    ],
    [
      'UNLIKE .* means nodes without the attribute',
      [['gpu', 'UNLIKE', '.*']],
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }] } } } },
    ],
  ])('%s', (_name, constraints, expected) => {
    const { errors, ...placement } = translateConstraints(constraints, own);
    expect(errors).toEqual([]);
    expect(placement).toEqual(expected);
  });

  test.each([
    ['MAX_PER above 1 cannot be exact', [['rack_id', 'MAX_PER', '2']], 'spec.constraints[0]', /MAX_PER 1/],
    ['an open-ended LIKE regex', [['hostname', 'LIKE', 'srv2.*']], 'spec.constraints[0][2]', /lists values/],
    ['an unknown operator', [['hostname', 'SOMETIMES']], 'spec.constraints[0][1]', /UNIQUE, CLUSTER/],
    ['two different pinned values', [['rack_id', 'IS', 'a'], ['rack_id', 'CLUSTER', 'b']], 'spec.constraints[1]', /no node has both/],
    ['UNIQUE with a value', [['hostname', 'UNIQUE', 'x']], 'spec.constraints[0][2]', /no value/],
    ['GROUP_BY with a non-number', [['rack_id', 'GROUP_BY', 'three']], 'spec.constraints[0][2]', /positive integer/],
    ['IS without value', [['rack_id', 'IS']], 'spec.constraints[0][2]', /expected a value/],
    ['a value no label can hold', [['rack_id', 'IS', 'a b']], 'spec.constraints[0][2]', /node label can hold/],
    ['a field that is no label key', [['rack id', 'UNIQUE']], 'spec.constraints[0][0]', /label key/],
  ])('rejects %s', (_name, constraints, path, message) => {
    const { errors } = translateConstraints(constraints, own);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('regular expressions as value lists', () => {
  test.each([
    ['rack-1', ['rack-1']],
    ['a|b', ['a', 'b']],
    ['(a|b)-x', ['a-x', 'b-x']],
    ['node[12]\\.example', ['node1.example', 'node2.example']],
    ['v1?', ['v1', 'v']],
    ['srv2.*', undefined],
    ['\\d+', undefined],
    ['[^a]', undefined],
    ['[a-z][a-z][a-z]', undefined], // 17576 values: too many to list
  ])('%s', (regex, values) => {
    expect(expandRegex(regex)).toEqual(values);
  });
});
