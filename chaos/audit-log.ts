// The local kube-apiserver's audit log (src/cluster/audit-policy.ts): every write it answered, with
// the caller's User-Agent and when the request arrived.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { clusterFiles } from '../src/cluster/cluster-layout.ts';

export interface AuditedWrite {
  verb: string;
  /** `resource[/subresource] namespace/name` */
  object: string;
  code?: number;
  /** When the apiserver received the request (ms since the epoch). */
  receivedAt: number;
}

interface AuditEvent {
  stage: string;
  verb: string;
  userAgent?: string;
  requestReceivedTimestamp: string;
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Fails with what to do when the running apiserver was started before it had an audit log. */
export function auditLogPath(): string {
  const path = clusterFiles().auditLog;
  if (!existsSync(path)) throw new Error(`no audit log at ${path}: this kube-apiserver was started without one; restart the local cluster (npm run cluster:down && npm run cluster:up)`);
  return path;
}

/** The writes answered for callers whose User-Agent is exactly `userAgent`, from the log and its rotated files. */
export function auditedWrites(userAgent: string, path = auditLogPath()): AuditedWrite[] {
  const dir = dirname(path);
  const stem = basename(path, '.log');
  const files = readdirSync(dir).filter((f) => f.startsWith(stem) && f.endsWith('.log'));
  // JSON-encoded, as it appears in a line: a cheap filter before parsing.
  const needle = JSON.stringify(userAgent);
  const writes: AuditedWrite[] = [];
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.includes(needle)) continue;
      const e = JSON.parse(line) as AuditEvent;
      if (e.userAgent !== userAgent || e.stage !== 'ResponseComplete' || !WRITE_VERBS.has(e.verb)) continue;
      const ref = e.objectRef ?? {};
      writes.push({
        verb: e.verb,
        object: `${ref.resource ?? '?'}${ref.subresource ? `/${ref.subresource}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}`,
        code: e.responseStatus?.code,
        receivedAt: Date.parse(e.requestReceivedTimestamp),
      });
    }
  }
  return writes.sort((a, b) => a.receivedAt - b.receivedAt);
}
