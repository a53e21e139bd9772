import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { Container } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { SANDBOX_PATH, SANDBOX_VOLUME } from './marathon-volumes.ts';

/*
 * fetch / uris: the Mesos fetcher downloaded artifacts into the sandbox before the task started and
 * extracted archives. Here an init container does the same into the sandbox emptyDir, with wget, tar
 * and unzip from a small image (busybox unless the operator is configured otherwise). `cache` has no
 * equivalent (each pod downloads) and is reported as ignored. The deprecated `uris` are fetched too,
 * beside `fetch` when both are set.
 */

export const DEFAULT_FETCH_IMAGE = 'busybox:1.37';

const ARCHIVE = /\.(tar\.gz|tgz|tar|tar\.bz2|tbz2|tar\.xz|txz|zip)$/;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function fileName(uri: string): string {
  const withoutQuery = uri.split(/[?#]/)[0] ?? uri;
  return withoutQuery.split('/').filter(Boolean).pop() ?? 'download';
}

interface Artifact {
  uri: string;
  extract: boolean;
  executable: boolean;
  destPath?: string;
}

/** The shell script that fetches the artifacts into the current directory. */
export function fetchScript(artifacts: Artifact[]): string {
  const lines = ['set -e'];
  for (const a of artifacts) {
    const file = a.destPath ?? fileName(a.uri);
    lines.push(`wget -q -O ${quote(file)} ${quote(a.uri)}`);
    const archive = ARCHIVE.exec(file.toLowerCase())?.[1];
    if (a.extract && archive === 'zip') lines.push(`unzip -o -q ${quote(file)}`);
    else if (a.extract && archive !== undefined) lines.push(`tar -xf ${quote(file)}`);
    if (a.executable) lines.push(`chmod +x ${quote(file)}`);
  }
  return lines.join('\n');
}

export function fetchInitContainer(spec: DcosServiceSpec, image: string): { initContainer?: Container; errors: FieldError[]; notices: Notice[] } {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const fetched: Artifact[] = (spec.fetch ?? []).map((f, i) => {
    if (f.cache) notices.push({ path: `spec.fetch[${i}].cache`, message: 'ignored: each pod downloads its artifacts; there is no node-level fetcher cache' });
    if (f.destPath !== undefined && (f.destPath.startsWith('/') || f.destPath.split('/').includes('..'))) {
      errors.push({ path: `spec.fetch[${i}].destPath`, message: `expected a path inside the sandbox (relative, without ".."), got ${JSON.stringify(f.destPath)}` });
    }
    return { uri: f.uri, extract: f.extract ?? true, executable: f.executable ?? false, ...(f.destPath !== undefined ? { destPath: f.destPath } : {}) };
  });
  // The deprecated uris are fetch entries with Mesos' defaults; beside fetch, both are downloaded.
  const extra = (spec.uris ?? []).filter((uri) => !fetched.some((f) => f.uri === uri));
  if (fetched.length > 0 && extra.length > 0) {
    notices.push({ path: 'spec.uris', message: `fetched as well as fetch (extracted, not executable): ${extra.length} URI(s) not in fetch; write them as fetch entries` });
  }
  const artifacts: Artifact[] = [...fetched, ...extra.map((uri) => ({ uri, extract: true, executable: false }))];
  if (artifacts.length === 0) return { errors, notices };
  return {
    initContainer: {
      name: 'fetch',
      image,
      command: ['/bin/sh', '-c', fetchScript(artifacts)],
      workingDir: SANDBOX_PATH,
      volumeMounts: [{ name: SANDBOX_VOLUME, mountPath: SANDBOX_PATH }],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    },
    errors,
    notices,
  };
}
