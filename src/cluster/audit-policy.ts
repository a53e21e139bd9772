import { writeFileSync } from 'node:fs';
import type { ClusterFiles } from './cluster-layout.ts';

/**
 * The local apiserver's audit policy: every write (who, which user agent, what object, when, the
 * answer's code), nothing else and no bodies, so the log stays small. `npm run chaos -- leader` reads
 * it to count the writes a paused leader made after its lease ran out.
 */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;

/** The audit log's size in MB before it is rotated, and how many rotated files are kept. */
export const AUDIT_LOG_MAX_MB = 50;
export const AUDIT_LOG_BACKUPS = 2;

export function writeAuditPolicy(files: ClusterFiles): void {
  writeFileSync(files.auditPolicy, AUDIT_POLICY);
}

export function auditLogFlags(files: ClusterFiles): string[] {
  return [`--audit-policy-file=${files.auditPolicy}`, `--audit-log-path=${files.auditLog}`, `--audit-log-maxsize=${AUDIT_LOG_MAX_MB}`, `--audit-log-maxbackup=${AUDIT_LOG_BACKUPS}`, '--audit-log-format=json'];
}
