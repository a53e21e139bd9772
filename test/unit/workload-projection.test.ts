import { describe, expect, test } from 'vitest';
import { projectWorkload, type WorkloadObj } from '../../src/controllers/dcos-service-reconcile.ts';
import { deploymentProgress } from '../../src/marathon/service-status.ts';

const deployment = (progressing: { status: string; reason: string; message: string }): WorkloadObj =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '3', 'dcos.dev/app-id': '/web' } },
    spec: { replicas: 3, template: { spec: { containers: [] } } },
    status: {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: 'T0', lastTransitionTime: 'T0', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', lastUpdateTime: 'T0', lastTransitionTime: 'T0', ...progressing },
      ],
    },
  }) as unknown as WorkloadObj;

describe('the Deployment cache', () => {
  test('keeps what a stuck rollout is reported from: the replica counts and the Progressing condition that says the deadline passed', () => {
    const cached = projectWorkload(deployment({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }));
    expect(cached.status?.conditions).toEqual([{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }]);
    expect(deploymentProgress(cached)).toEqual({ message: '2 of 3 instances updated', targetInstances: 3, updatedInstances: 2, readyInstances: 2 });
  });

  test("keeps no condition of a rollout going well, and of the annotations only those a user's edit can change", () => {
    const cached = projectWorkload(deployment({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-1" has successfully progressed.' }));
    expect(cached.status?.conditions).toBeUndefined();
    expect(cached.metadata.annotations).toEqual({ 'dcos.dev/app-id': '/web' });
  });
});
