import { describe, expect, test } from 'vitest';
import { projectPod } from '../../src/controllers/pod-projection.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { SERVICE_LABEL } from '../../src/marathon/index.ts';

const raw = (labels: Record<string, string>): KubeObjectLike =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'prod', uid: 'u1', resourceVersion: '7', labels },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
    status: {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient memory.', lastTransitionTime: 'T0' },
        { type: 'Initialized', status: 'True', reason: 'PodCompleted', message: 'kept nowhere', lastTransitionTime: 'T0' },
      ],
    },
  }) as unknown as KubeObjectLike;

describe('the pod cache', () => {
  test("keeps the scheduler's reason and message of a False condition, so status can say why a task is not placed", () => {
    expect(projectPod(raw({ [SERVICE_LABEL]: 'web' })).status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient memory.', lastTransitionTime: 'T0' },
      { type: 'Initialized', status: 'True', lastTransitionTime: 'T0' },
    ]);
  });

  test('keeps only the identity of a pod no DcosService owns', () => {
    expect(projectPod(raw({}))).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'u1', resourceVersion: '7' } });
  });
});
