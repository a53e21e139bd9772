import { describe, expect, it } from 'vitest';
import { KubeApiError, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import { isRefusalReason, RefusedError, refusalOf, writeChild } from '../../src/controllers/runtime/refusal.ts';
import { writeStatus } from '../../src/controllers/runtime/status-writer.ts';
import { StatusAfterChildren } from '../../src/controllers/runtime/status-after-children.ts';
import { WorkQueue } from '../../src/controllers/runtime/work-queue.ts';
import { FakeKubeClient } from './support/fake-kube-client.ts';

const obj = (status?: unknown): KubeObjectLike & { status?: unknown } => ({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'web', namespace: 'ns', generation: 4 }, ...(status === undefined ? {} : { status }) });
const apiError = (status: number, message: string) => new KubeApiError(status, 'x', `PATCH ...: ${status} ${message}`, { message });

describe('writeStatus', () => {
  it('applies the status subresource with observedGeneration set from the object', async () => {
    const client = new FakeKubeClient();
    expect(await writeStatus(client, 'DcosService', obj(), { health: 'NA' })).toBe('written');
    expect(client.actions()).toEqual(['apply DcosService/status ns/web']);
    expect(client.lastBody('DcosService', 'status')).toEqual({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'web', namespace: 'ns' }, status: { health: 'NA', observedGeneration: 4 } });
  });

  it('skips a status equal to the one shown, whatever the key order or undefined fields', async () => {
    const client = new FakeKubeClient();
    expect(await writeStatus(client, 'DcosService', obj({ observedGeneration: 4, health: 'NA' }), { health: 'NA', image: undefined, observedGeneration: 4 })).toBe('unchanged');
    expect(client.actions()).toEqual([]);
  });

  it('tolerates an object deleted meanwhile, and passes other failures on', async () => {
    const gone = new FakeKubeClient().refuse('apply', 'DcosService', 404, 'not found');
    expect(await writeStatus(gone, 'DcosService', obj(), {})).toBe('gone');
    const invalid = new FakeKubeClient().refuse('apply', 'DcosService', 422, 'status.health: Unsupported value');
    await expect(writeStatus(invalid, 'DcosService', obj(), {})).rejects.toThrow(/Unsupported value/);
  });

  it('asks a kind\'s own comparison whether a change is worth a write', async () => {
    const client = new FakeKubeClient();
    expect(await writeStatus(client, 'DcosCluster', obj({ at: 1 }), { at: 2 }, { changed: () => false })).toBe('unchanged');
  });
});

describe('refusals', () => {
  it('names the child and keeps the apiserver\'s message for 4xx a retry will not fix', () => {
    expect(refusalOf(apiError(403, 'exceeded quota'), { kind: 'Deployment', metadata: { name: 'web' } })).toEqual({ reason: 'DeploymentRefused', message: 'the apiserver refused Deployment web: exceeded quota' });
    expect(refusalOf(apiError(422, 'spec.x: Invalid value'), { kind: 'PersistentVolumeClaim', metadata: { name: 'web-data' } })?.reason).toBe('PersistentVolumeClaimRefused');
  });

  it('is no refusal when a retry may help: 5xx, 404, 409, 429, network errors', () => {
    for (const status of [500, 503, 404, 409, 429]) expect(refusalOf(apiError(status, 'm'), { kind: 'Deployment', metadata: { name: 'web' } })).toBeUndefined();
    expect(refusalOf(new Error('ECONNRESET'), { kind: 'Deployment', metadata: { name: 'web' } })).toBeUndefined();
  });

  it('writeChild turns a refusal into a RefusedError and lets other failures through', async () => {
    const child = { kind: 'Service', metadata: { name: 'web' } };
    await expect(writeChild(child, () => Promise.reject(apiError(403, 'denied by policy')))).rejects.toBeInstanceOf(RefusedError);
    await expect(writeChild(child, () => Promise.reject(apiError(500, 'boom')))).rejects.toBeInstanceOf(KubeApiError);
    expect(await writeChild(child, () => Promise.resolve(7))).toBe(7);
  });

  it('recognises a refusal reason in an owned object\'s condition', () => {
    expect(isRefusalReason('StatefulSetRefused')).toBe(true);
    expect(isRefusalReason('Running')).toBe(false);
    expect(isRefusalReason(undefined)).toBe(false);
  });
});

describe('StatusAfterChildren', () => {
  it('puts a status write off while another key\'s children are being written, not for its own', async () => {
    const queue = new WorkQueue();
    const timing = new StatusAfterChildren(queue);
    queue.add('ns/a');
    const a = await queue.get();
    expect(timing.shouldWait(a!)).toBe(false);
    queue.add('ns/b');
    expect(timing.shouldWait(a!)).toBe(true);
    timing.later(a!);
    queue.done(a!);
    expect(await queue.get()).toBe('ns/b');
    queue.shutDown();
  });
});
