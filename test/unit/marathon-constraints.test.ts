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
    [
      'MAX_PER 2 is an exact cap: spread whose minDomains no cluster reaches, so the global minimum is 0',
      [['hostname', 'MAX_PER', '2']],
      { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: own }, minDomains: 2147483647 }] },
    ],
    [
      'MAX_PER 3 on an attribute also needs the attribute',
      [['rack_id', 'MAX_PER', '3']],
      {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack_id', operator: 'Exists' }] }] } } },
        topologySpreadConstraints: [{ maxSkew: 3, topologyKey: 'rack_id', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: own }, minDomains: 2147483647 }],
      },
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
    const { errors, notices, ...placement } = translateConstraints(constraints, own);
    expect(errors).toEqual([]);
    expect(notices).toEqual([]);
    expect(placement).toEqual(expected);
  });

  test.each([
    ['a LIKE value that is no regular expression', [['hostname', 'LIKE', 'srv(']], 'spec.constraints[0][2]', /regular expression/],
    ['MAX_PER with a non-number', [['hostname', 'MAX_PER', 'two']], 'spec.constraints[0][2]', /positive integer/],
    ['an unknown operator', [['hostname', 'SOMETIMES']], 'spec.constraints[0][1]', /UNIQUE, CLUSTER/],
    ['UNIQUE with a value', [['hostname', 'UNIQUE', 'x']], 'spec.constraints[0][2]', /no value/],
    ['GROUP_BY with a non-number', [['rack_id', 'GROUP_BY', 'three']], 'spec.constraints[0][2]', /positive integer/],
    ['IS without value', [['rack_id', 'IS']], 'spec.constraints[0][2]', /expected a value/],
    ['a field that is no label key', [['rack id', 'UNIQUE']], 'spec.constraints[0][0]', /label key/],
  ])('rejects %s', (_name, constraints, path, message) => {
    const { errors } = translateConstraints(constraints, own);
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('constraints that run with a warning', () => {
  const never = (key: string) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'Exists' }, { key, operator: 'DoesNotExist' }] }] } } });

  test.each([
    ['CLUSTER with a template placeholder', [['type', 'CLUSTER', '__ENV__']], 'type'],
    ['IS with a blank', [['rack_id', 'IS', 'a b']], 'rack_id'],
    ['CLUSTER on hostname with a value too long for a label', [['hostname', 'CLUSTER', `${'n'.repeat(64)}`]], 'kubernetes.io/hostname'],
  ])('%s: admitted, no node matches (tasks stay pending as on Marathon), the warning names the value', (_name, constraints, key) => {
    const { errors, notices, ...placement } = translateConstraints(constraints, own);
    expect(errors).toEqual([]);
    expect(placement).toEqual({ affinity: never(key) });
    expect(notices).toEqual([{ path: 'spec.constraints[0][2]', message: expect.stringMatching(/no node can run the tasks: a node label cannot hold .* stay pending/) }]);
  });

  test('LIKE alternatives no label can hold are dropped with a warning; the others still select', () => {
    const { errors, notices, ...placement } = translateConstraints([['rack_id', 'LIKE', 'rack-1|__ENV__']], own);
    expect(errors).toEqual([]);
    expect(placement).toEqual({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack_id', operator: 'In', values: ['rack-1'] }] }] } } } });
    expect(notices).toEqual([{ path: 'spec.constraints[0][2]', message: expect.stringMatching(/"__ENV__": no node label can hold this/) }]);
  });

  test('LIKE with only such values matches no node; UNLIKE with only such values excludes none', () => {
    expect(translateConstraints([['rack_id', 'LIKE', '__ENV__']], own)).toMatchObject({ errors: [], affinity: never('rack_id') });
    const unlike = translateConstraints([['rack_id', 'UNLIKE', '__ENV__']], own);
    expect(unlike.errors).toEqual([]);
    expect(unlike.affinity).toBeUndefined();
    expect(unlike.notices).toHaveLength(1);
  });

  test('an open-ended LIKE pattern is not enforced, and the warning says so', () => {
    const { errors, notices, ...placement } = translateConstraints([['hostname', 'LIKE', 'srv2.*']], own);
    expect(errors).toEqual([]);
    expect(placement).toEqual({});
    expect(notices).toEqual([{ path: 'spec.constraints[0][2]', message: expect.stringMatching(/not enforced: .*"srv2\.\*".*does not match/) }]);
  });

  test('an open-ended LIKE on an attribute still requires the attribute, as Marathon did', () => {
    const { notices, affinity } = translateConstraints([['rack_id', 'LIKE', 'rack-.*']], own);
    expect(affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]?.matchExpressions).toEqual([{ key: 'rack_id', operator: 'Exists' }]);
    expect(notices).toHaveLength(1);
  });

  test('two different pinned values: no node matches (tasks stay staged, as on Marathon) and a warning says why', () => {
    const { errors, notices, nodeSelector, affinity } = translateConstraints([['rack_id', 'IS', 'a'], ['rack_id', 'CLUSTER', 'b']], own);
    expect(errors).toEqual([]);
    expect(nodeSelector).toEqual({ rack_id: 'a' });
    expect(affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]?.matchExpressions).toEqual([{ key: 'rack_id', operator: 'In', values: ['b'] }]);
    expect(notices).toEqual([{ path: 'spec.constraints[1]', message: expect.stringMatching(/no node can run the tasks/) }]);
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
