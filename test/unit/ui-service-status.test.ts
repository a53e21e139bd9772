import { describe, expect, it } from 'vitest';
import { serviceStatusOf } from '../../src/ui/service-rows.ts';
import type { ServiceObject } from '../../src/ui/ui-sources.ts';

const withReady = (reason: string, message: string): ServiceObject =>
  ({
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name: 'web', namespace: 'prod' },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: 'T0' }] },
  }) as ServiceObject;

describe('the Services table status', () => {
  it('shows an app whose tasks no node can take as Waiting, with the scheduler\'s reason in the tooltip, as DC/OS showed one waiting for offers', () => {
    const message = '1 of 1 tasks cannot be placed on any node: 0/4 nodes are available: 4 Insufficient cpu.';
    expect(serviceStatusOf(withReady('Unschedulable', message))).toEqual({ status: 'Waiting', message });
  });

  it('shows a rollout in progress as Deploying', () => {
    expect(serviceStatusOf(withReady('Deploying', '0 of 1 updated instances available')).status).toBe('Deploying');
  });
});
