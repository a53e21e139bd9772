import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { AccessMode, ObjectMeta, PersistentVolumeClaim, Volume, VolumeMount } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { DEFAULT_SECRET_KEY, resolveSecret } from './marathon-secrets.ts';
import { slug } from './kube-names.ts';

/*
 * container.volumes onto pod volumes. The task's sandbox (where fetch puts files and relative
 * containerPaths live) is an emptyDir at Mesos' /mnt/mesos/sandbox; a relative hostPath is a directory
 * of that sandbox (a subPath of it), or of the persistent volume whose containerPath it names (the
 * documented way to mount a persistent volume at an absolute path: {"containerPath": "/var/lib/mysql",
 * "hostPath": "mysqldata"}). Local persistent volumes are claim templates: each instance has its own
 * claim, as each Marathon resident task had its own volume (marathon-workload.ts builds the
 * StatefulSet). External volumes are claims named after the external volume, shared by the app's
 * instances and kept when the app goes, as DC/OS kept them.
 */

export const SANDBOX_PATH = '/mnt/mesos/sandbox';
export const SANDBOX_VOLUME = 'sandbox';
/** The annotation of an external volume's claim that keeps Marathon's provider, options and size. */
export const EXTERNAL_VOLUME_ANNOTATION = 'dcos.dev/external-volume';
/** A claim asks for a size; an external volume that names none gets this (DVDI sized volumes in GiB). */
export const DEFAULT_EXTERNAL_SIZE = '1Gi';

export interface PodVolumes {
  volumes: Volume[];
  volumeMounts: VolumeMount[];
  /** Claims shared by every instance: external volumes. */
  claims: PersistentVolumeClaim[];
  /** One claim per instance: local persistent volumes (volumeClaimTemplates; the template name is the volume name). */
  claimTemplates: PersistentVolumeClaim[];
  errors: FieldError[];
  notices: Notice[];
}

function mountPath(containerPath: string): string {
  return containerPath.startsWith('/') ? containerPath : `${SANDBOX_PATH}/${containerPath}`;
}

/** A sandbox-relative path without `.` segments and trailing slashes, or undefined when it climbs out. */
function sandboxPath(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** The claim name for a persistent volume: the service name and the volume's path, as a DNS name. */
export function claimName(serviceName: string, containerPath: string): string {
  return `${serviceName}-${slug(containerPath) || 'data'}`.slice(0, 253).replace(/-+$/, '');
}

/** A Kubernetes object name from an external volume name (`MyVol_1` -> `myvol-1`). */
export function externalClaimName(volumeName: string): string {
  return volumeName.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253);
}

const CSI_ACCESS_MODES: Record<string, AccessMode> = {
  SINGLE_NODE_WRITER: 'ReadWriteOnce',
  SINGLE_NODE_READER_ONLY: 'ReadWriteOnce',
  MULTI_NODE_READER_ONLY: 'ReadOnlyMany',
  MULTI_NODE_SINGLE_WRITER: 'ReadWriteMany',
  MULTI_NODE_MULTI_WRITER: 'ReadWriteMany',
};

export function translateVolumes(spec: DcosServiceSpec, claimMeta: (name: string) => ObjectMeta): PodVolumes {
  const out: PodVolumes = {
    volumes: [{ name: SANDBOX_VOLUME, emptyDir: {} }],
    volumeMounts: [{ name: SANDBOX_VOLUME, mountPath: SANDBOX_PATH }],
    claims: [],
    claimTemplates: [],
    errors: [],
    notices: [],
  };
  const volumes = spec.container?.volumes ?? [];
  // Persistent volumes first: a relative hostPath may name one declared after it.
  const persistentNames = new Map<string, string>();
  const used = new Set([SANDBOX_VOLUME]);
  volumes.forEach((v, i) => {
    if (v.persistent === undefined || v.containerPath.startsWith('/')) return;
    const base = (slug(v.containerPath) || 'data').slice(0, 55).replace(/-+$/, '');
    const name = used.has(base) ? `${base}-${i}` : base;
    used.add(name);
    const rel = sandboxPath(v.containerPath);
    if (rel !== undefined) persistentNames.set(rel, name);
  });

  volumes.forEach((v, i) => {
    const path = `spec.container.volumes[${i}]`;
    const kinds = (['hostPath', 'persistent', 'external', 'secret'] as const).filter((k) => v[k] !== undefined);
    if (kinds.length !== 1) {
      out.errors.push({ path, message: `expected exactly one of hostPath, persistent, external or secret, got ${kinds.length === 0 ? 'none' : kinds.join(', ')}` });
      return;
    }
    let name = `vol-${i}`;
    const readOnly = v.mode === 'RO';
    const mount = (volume: string, subPath?: string) =>
      out.volumeMounts.push({ name: volume, mountPath: mountPath(v.containerPath), ...(subPath ? { subPath } : {}), ...(readOnly ? { readOnly } : {}) });
    if (v.hostPath !== undefined) {
      if (v.hostPath.startsWith('/')) {
        out.volumes.push({ name, hostPath: { path: v.hostPath } });
        mount(name);
        return;
      }
      const rel = sandboxPath(v.hostPath);
      if (rel === undefined) {
        out.errors.push({ path: `${path}.hostPath`, message: `expected a path inside the task's sandbox, got ${JSON.stringify(v.hostPath)}` });
        return;
      }
      // The longest persistent volume path that holds it; else the sandbox itself.
      const holder = [...persistentNames.keys()].filter((p) => rel === p || rel.startsWith(`${p}/`)).sort((a, b) => b.length - a.length)[0];
      if (holder !== undefined) mount(persistentNames.get(holder)!, rel.slice(holder.length + 1));
      else mount(SANDBOX_VOLUME, rel);
    } else if (v.persistent !== undefined) {
      const p = v.persistent;
      if (p.type !== undefined) out.notices.push({ path: `${path}.persistent.type`, message: 'ignored: the storage class (profileName) decides the kind of disk' });
      if (p.maxSize !== undefined) out.notices.push({ path: `${path}.persistent.maxSize`, message: 'ignored: a claim asks for its size; the storage class decides what disk backs it' });
      const rel = v.containerPath.startsWith('/') ? undefined : sandboxPath(v.containerPath);
      name = rel !== undefined ? persistentNames.get(rel)! : name;
      const meta = claimMeta(v.containerPath);
      out.claimTemplates.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, ...(meta.labels ? { labels: meta.labels } : {}) },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: `${Math.max(1, p.size)}Mi` } },
          ...(p.profileName !== undefined ? { storageClassName: p.profileName } : {}),
        },
      });
      mount(name);
    } else if (v.secret !== undefined) {
      const ref = resolveSecret(spec, v.secret, `${path}.secret`, out.errors);
      if (!ref) return;
      // A DC/OS secret volume is one file at containerPath holding the secret's value.
      const key = ref.key ?? DEFAULT_SECRET_KEY;
      out.volumes.push({ name, secret: { secretName: ref.name, items: [{ key, path: key }] } });
      out.volumeMounts.push({ name, mountPath: mountPath(v.containerPath), subPath: key, readOnly: true });
    } else {
      const claim = externalClaim(spec, v.external as Record<string, unknown>, path, claimMeta, out);
      if (!claim) return;
      out.claims.push(claim);
      out.volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name, ...(readOnly ? { readOnly } : {}) } });
      mount(name);
    }
  });
  return out;
}

function externalClaim(spec: DcosServiceSpec, external: Record<string, unknown>, path: string, claimMeta: (name: string) => ObjectMeta, out: PodVolumes): PersistentVolumeClaim | undefined {
  const volumeName = external.name;
  if (typeof volumeName !== 'string' || externalClaimName(volumeName) === '') {
    out.errors.push({ path: `${path}.external.name`, message: `expected the name of the external volume, got ${describeValue(volumeName)}` });
    return undefined;
  }
  const provider = typeof external.provider === 'string' ? external.provider : 'dvdi';
  if (provider === 'dvdi') {
    // Marathon's own rules for DVDI volumes: one task owns the volume, so none is started beside it.
    if ((spec.instances ?? 1) > 1) out.errors.push({ path: 'spec.instances', message: `expected 0 or 1 with a DVDI external volume (Marathon limited such apps to one instance), got ${spec.instances}` });
    const over = spec.upgradeStrategy?.maximumOverCapacity ?? 0;
    if (over > 0) out.errors.push({ path: 'spec.upgradeStrategy.maximumOverCapacity', message: `expected 0 with a DVDI external volume (as Marathon required), got ${over}` });
  }
  const size = typeof external.size === 'number' && external.size > 0 ? `${external.size}Gi` : undefined;
  const options = (external.options ?? {}) as Record<string, unknown>;
  const capability = (options.capability ?? {}) as Record<string, unknown>;
  const accessMode = typeof capability.accessMode === 'string' ? CSI_ACCESS_MODES[capability.accessMode] : undefined;
  const base = claimMeta(volumeName);
  const name = externalClaimName(volumeName);
  // No owner: an external volume outlived the app on DC/OS, and another app may mount it too.
  const { ownerReferences: _owner, ...meta } = base;
  out.notices.push({
    path: `${path}.external`,
    message: `mapped to the PersistentVolumeClaim ${JSON.stringify(name)} of ${size ?? DEFAULT_EXTERNAL_SIZE} from the cluster's default storage class: the ${provider} provider and its options are not applied (kept in the claim's annotation ${EXTERNAL_VOLUME_ANNOTATION}); bind the claim to the existing volume to keep its data, and the claim stays when the app is deleted`,
  });
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { ...meta, name, annotations: { ...(meta.annotations ?? {}), [EXTERNAL_VOLUME_ANNOTATION]: JSON.stringify(external) } },
    spec: { accessModes: [accessMode ?? 'ReadWriteOnce'], resources: { requests: { storage: size ?? DEFAULT_EXTERNAL_SIZE } } },
  };
}
