import { describe, expect, it } from 'vitest';
import type { ContainerLike, PodLike, ResourceList } from '../../src/accounting/kube-shapes.ts';
import { isGpuResource, podResources } from '../../src/accounting/pod-requests.ts';

function container(requests: ResourceList, limits?: ResourceList): ContainerLike {
  return { resources: limits ? { requests, limits } : { requests } };
}

function sidecar(requests: ResourceList, limits?: ResourceList): ContainerLike {
  return { ...container(requests, limits), restartPolicy: 'Always' };
}

interface Case {
  name: string;
  spec: NonNullable<PodLike['spec']>;
  cpu: number;
  memory?: number;
}

const Mi = 2 ** 20;

// Expectations follow k8s.io/component-helpers/resource PodRequests, which the scheduler and
// `kubectl describe node` both use.
const cases: Case[] = [
  { name: 'no resources at all', spec: { containers: [{}] }, cpu: 0, memory: 0 },
  {
    name: 'containers add up',
    spec: { containers: [container({ cpu: '100m', memory: '64Mi' }), container({ cpu: '200m', memory: '64Mi' })] },
    cpu: 300,
    memory: 128 * Mi,
  },
  {
    name: 'sums are exact before rounding up: 0.1 + 0.2 is 300m, not 301m',
    spec: { containers: [container({ cpu: '0.1' }), container({ cpu: '0.2' })] },
    cpu: 300,
  },
  {
    name: 'parts of a milli-core add up before rounding up: 500u + 500u is 1m, not 2m',
    spec: { containers: [container({ cpu: '500u' }), container({ cpu: '500u' })] },
    cpu: 1,
  },
  {
    name: 'parts of a byte add up before rounding up: two 0.5-byte requests are 1 byte',
    spec: { containers: [container({ cpu: '1', memory: '0.5' }), container({ cpu: '1', memory: '0.5' })] },
    cpu: 2000,
    memory: 1,
  },
  {
    name: 'a regular init container bigger than the containers sets the figure',
    spec: { initContainers: [container({ cpu: '1', memory: '32Mi' })], containers: [container({ cpu: '500m', memory: '256Mi' })] },
    cpu: 1000,
    memory: 256 * Mi, // each resource takes its own maximum
  },
  {
    name: 'regular init containers run one at a time: the largest counts, not their sum',
    spec: { initContainers: [container({ cpu: '700m' }), container({ cpu: '600m' })], containers: [container({ cpu: '100m' })] },
    cpu: 700,
  },
  {
    name: 'a sidecar runs beside the containers',
    spec: { initContainers: [sidecar({ cpu: '100m' })], containers: [container({ cpu: '500m' })] },
    cpu: 600,
  },
  {
    name: 'an init container after a sidecar runs beside it',
    spec: { initContainers: [sidecar({ cpu: '200m' }), container({ cpu: '1' })], containers: [container({ cpu: '500m' })] },
    cpu: 1200,
  },
  {
    name: 'an init container before a sidecar does not run beside it',
    spec: { initContainers: [container({ cpu: '1' }), sidecar({ cpu: '200m' })], containers: [container({ cpu: '500m' })] },
    cpu: 1000,
  },
  {
    name: 'sidecars accumulate for the init containers after them',
    spec: {
      initContainers: [sidecar({ cpu: '100m' }), sidecar({ cpu: '100m' }), container({ cpu: '1' })],
      containers: [container({ cpu: '50m' })],
    },
    cpu: 1200,
  },
  {
    name: 'overhead is added (RuntimeClass)',
    spec: { containers: [container({ cpu: '250m', memory: '100Mi' })], overhead: { cpu: '250m', memory: '120Mi' } },
    cpu: 500,
    memory: 220 * Mi,
  },
  {
    name: 'overhead is added after the init-container maximum',
    spec: { initContainers: [container({ cpu: '2' })], containers: [container({ cpu: '1' })], overhead: { cpu: '100m' } },
    cpu: 2100,
  },
  {
    name: 'pod-level resources replace the containers for cpu only when they name it',
    spec: { resources: { requests: { cpu: '2' } }, containers: [container({ cpu: '500m', memory: '64Mi' })] },
    cpu: 2000,
    memory: 64 * Mi,
  },
];

describe('podResources: effective requests', () => {
  it.each(cases)('$name', ({ spec, cpu, memory }) => {
    const { requests } = podResources({ spec });
    expect(requests.cpu).toBe(cpu);
    if (memory !== undefined) expect(requests.memory).toBe(memory);
  });

  it('counts ephemeral-storage as disk and GPU extended resources as gpu', () => {
    const { requests } = podResources({
      spec: {
        containers: [
          container({ 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '2', 'example.com/dongle': '3' }),
          container({ 'amd.com/gpu': '1', 'nvidia.com/mig-1g.5gb': '1' }),
        ],
      },
    });
    expect(requests.disk).toBe(2 ** 30);
    expect(requests.gpu).toBe(3);
  });
});

describe('podResources: in-place resize', () => {
  function resized(spec: string, reported: string, resize?: string): PodLike {
    return {
      spec: { containers: [{ name: 'app', resources: { requests: { cpu: spec, memory: '1Gi' } } }] },
      status: { ...(resize ? { resize } : {}), containerStatuses: [{ name: 'app', resources: { requests: { cpu: reported, memory: '1Gi' } } }] },
    };
  }

  it.each([
    ['growing: the new, larger spec counts at once', resized('2', '1'), 2000],
    ['shrinking: the old, larger figure counts until the kubelet applies it', resized('500m', '1'), 1000],
    ['Infeasible: only what the kubelet runs counts', resized('8', '1', 'Infeasible'), 1000],
  ])('%s', (_name, pod, cpu) => {
    expect(podResources(pod).requests.cpu).toBe(cpu);
    expect(podResources(pod).requests.memory).toBe(1024 * Mi);
  });
});

describe('podResources: limits', () => {
  it('adds overhead only to limits some container set', () => {
    const { limits } = podResources({
      spec: { containers: [container({ cpu: '100m' }, { cpu: '1' })], overhead: { cpu: '250m', memory: '100Mi' } },
    });
    expect(limits).toEqual({ cpu: 1250, memory: 0 });
  });

  it('follows the same init-container and sidecar rules as requests', () => {
    const { limits } = podResources({
      spec: {
        initContainers: [sidecar({}, { memory: '100Mi' }), container({}, { memory: '1Gi' })],
        containers: [container({}, { memory: '200Mi' })],
      },
    });
    expect(limits.memory).toBe(1024 * Mi + 100 * Mi);
  });
});

describe('isGpuResource', () => {
  it.each([
    ['nvidia.com/gpu', true],
    ['amd.com/gpu', true],
    ['gpu.intel.com/i915', true],
    ['nvidia.com/mig-1g.5gb', false],
    ['gpu', false],
    ['example.com/gpus', false],
  ])('%s -> %s', (name, expected) => {
    expect(isGpuResource(name)).toBe(expected);
  });
});
