import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { ObjectMeta, PersistentVolumeClaim, Volume, VolumeMount } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { resolveSecret } from './marathon-secrets.ts';
import { slug } from './kube-names.ts';

/*
 * container.volumes onto pod volumes. The task's sandbox (where fetch puts files and relative
 * containerPaths live) is an emptyDir at Mesos' /mnt/mesos/sandbox. Local persistent volumes become
 * PersistentVolumeClaims (ReadWriteOnce, size in MiB, profileName as the storage class): a Marathon
 * instance had its own volume, while a Deployment's pods share a claim, so persistent apps are limited
 * to one instance and replaced with the Recreate strategy (the old pod lets go before the new mounts).
 */

export const SANDBOX_PATH = '/mnt/mesos/sandbox';
export const SANDBOX_VOLUME = 'sandbox';

export interface PodVolumes {
  volumes: Volume[];
  volumeMounts: VolumeMount[];
  claims: PersistentVolumeClaim[];
  errors: FieldError[];
  notices: Notice[];
}

function mountPath(containerPath: string): string {
  return containerPath.startsWith('/') ? containerPath : `${SANDBOX_PATH}/${containerPath}`;
}

/** The claim name for a persistent volume: the service name and the volume's path, as a DNS name. */
export function claimName(serviceName: string, containerPath: string): string {
  return `${serviceName}-${slug(containerPath) || 'data'}`.slice(0, 253).replace(/-+$/, '');
}

export function translateVolumes(spec: DcosServiceSpec, claimMeta: (name: string) => ObjectMeta): PodVolumes {
  const out: PodVolumes = {
    volumes: [{ name: SANDBOX_VOLUME, emptyDir: {} }],
    volumeMounts: [{ name: SANDBOX_VOLUME, mountPath: SANDBOX_PATH }],
    claims: [],
    errors: [],
    notices: [],
  };
  (spec.container?.volumes ?? []).forEach((v, i) => {
    const path = `spec.container.volumes[${i}]`;
    const kinds = (['hostPath', 'persistent', 'external', 'secret'] as const).filter((k) => v[k] !== undefined);
    if (kinds.length !== 1) {
      out.errors.push({ path, message: `expected exactly one of hostPath, persistent, external or secret, got ${kinds.length === 0 ? 'none' : kinds.join(', ')}` });
      return;
    }
    const name = `vol-${i}`;
    const readOnly = v.mode === 'RO';
    if (v.hostPath !== undefined) {
      if (!v.hostPath.startsWith('/')) {
        out.errors.push({ path: `${path}.hostPath`, message: `expected an absolute path on the node, got ${JSON.stringify(v.hostPath)} (sandbox-relative host paths have no equivalent)` });
        return;
      }
      out.volumes.push({ name, hostPath: { path: v.hostPath } });
      out.volumeMounts.push({ name, mountPath: mountPath(v.containerPath), ...(readOnly ? { readOnly } : {}) });
    } else if (v.persistent !== undefined) {
      const p = v.persistent;
      if ((spec.instances ?? 1) > 1) {
        out.errors.push({
          path: `${path}.persistent`,
          message: `expected instances 0 or 1 with a persistent volume: each Marathon instance had its own local volume, a Deployment's pods share one claim (got instances ${spec.instances})`,
        });
      }
      if ((p.constraints ?? []).length > 0) {
        out.errors.push({ path: `${path}.persistent.constraints`, message: 'expected no volume constraints: a claim cannot choose the disk path on the node (use a storage class)' });
      }
      if (p.type !== undefined) out.notices.push({ path: `${path}.persistent.type`, message: 'ignored: the storage class (profileName) decides the kind of disk' });
      if (p.maxSize !== undefined) out.notices.push({ path: `${path}.persistent.maxSize`, message: 'ignored: a claim asks for its size; the storage class decides what disk backs it' });
      const meta = claimMeta(v.containerPath);
      out.claims.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: meta,
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: `${Math.max(1, p.size)}Mi` } },
          ...(p.profileName !== undefined ? { storageClassName: p.profileName } : {}),
        },
      });
      out.volumes.push({ name, persistentVolumeClaim: { claimName: meta.name } });
      out.volumeMounts.push({ name, mountPath: mountPath(v.containerPath), ...(readOnly ? { readOnly } : {}) });
    } else if (v.secret !== undefined) {
      const ref = resolveSecret(spec, v.secret, `${path}.secret`, out.errors);
      if (!ref) return;
      if (ref.key === undefined) {
        out.volumes.push({ name, secret: { secretName: ref.name } });
        out.volumeMounts.push({ name, mountPath: mountPath(v.containerPath), readOnly: true });
      } else {
        // One key as one file at containerPath, as a DC/OS file-based secret.
        out.volumes.push({ name, secret: { secretName: ref.name, items: [{ key: ref.key, path: ref.key }] } });
        out.volumeMounts.push({ name, mountPath: mountPath(v.containerPath), subPath: ref.key, readOnly: true });
      }
    } else {
      out.errors.push({ path: `${path}.external`, message: 'expected no external volume: DVDI/CSI provider options have no equivalent; create a PersistentVolumeClaim and use a persistent volume' });
    }
  });
  return out;
}
