import { describe, expect, test } from 'vitest';
import { podUntracked, projectPod, type ProjectedPod } from '../../src/controllers/pod-projection.ts';
import { ListedNames, ObjectStore } from '../../src/controllers/runtime/object-store.ts';
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
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient memory.' },
      { type: 'Initialized', status: 'True' },
    ]);
  });

  test('holds one copy of each condition that keeps no words, however many pods show it (100,000 objects at 20,000 pods)', () => {
    const [a, b] = [projectPod(raw({ [SERVICE_LABEL]: 'web' })), projectPod(raw({ [SERVICE_LABEL]: 'db' }))];
    expect(a.status?.conditions?.[1]).toBe(b.status?.conditions?.[1]);
    // A False condition's words are each pod's own.
    expect(a.status?.conditions?.[0]).not.toBe(b.status?.conditions?.[0]);
  });

  test("keeps a Failed pod's condition times, which say when its task failed", () => {
    const failed = raw({ [SERVICE_LABEL]: 'web' }) as KubeObjectLike & { status: { phase: string } };
    failed.status.phase = 'Failed';
    expect(projectPod(failed).status?.conditions?.map((c) => c.lastTransitionTime)).toEqual(['T0', 'T0']);
  });

  test('keeps no pod that no DcosService owns, yet tells the handlers of each of its events and of a relist that no longer names it', () => {
    const store = new ObjectStore<ProjectedPod>(projectPod, undefined, podUntracked);
    const seen: string[] = [];
    store.addHandlers({
      onAdd: (p, raw) => seen.push(`add ${p.metadata.name}@${raw.metadata.resourceVersion}`),
      onUpdate: (_, p) => seen.push(`update ${p.metadata.name} ${p.status ? 'kept' : 'bare'}`),
      onDelete: (p) => seen.push(`delete ${p.metadata.name}`),
      onRelisted: (listed) => seen.push(`relisted: web-1 ${listed.has('prod', 'web-1') ? 'listed' : 'gone'}`),
    });
    store.upsert(raw({}));
    // Accounting reads each change of the pod (bound to a node, Running, Failed) from the raw event.
    const bound = raw({}) as KubeObjectLike & { metadata: { resourceVersion: string } };
    bound.metadata.resourceVersion = '8';
    store.upsert(bound);
    expect(store.get('prod/web-1')).toBeUndefined();
    expect(store.size).toBe(0);
    // A DcosService's pod is kept; one that loses its service's label is let go, as an update.
    store.upsert(raw({ [SERVICE_LABEL]: 'web' }));
    expect(store.get('prod/web-1')?.status?.phase).toBe('Pending');
    store.upsert(raw({}));
    expect(store.size).toBe(0);
    store.remove(raw({}));
    store.retainOnly(new ListedNames());
    expect(seen).toEqual(['add web-1@7', 'add web-1@8', 'add web-1@7', 'update web-1 bare', 'delete web-1', 'relisted: web-1 gone']);
  });
});
