import { KubeApiError } from '../kube/kube-client.ts';

/** A failure the user must act on: printed as one line on stderr, and the process exits non-zero. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

export const INSTALL_CRDS_HINT = 'install them with `kubectl apply -k deploy/` from a checkout of dcos-operator, or run the operator once (`npm start`), which installs them';

/**
 * The one line a user reads for any failure: an unreachable cluster, missing CRDs and refused
 * requests are told apart, because each has a different fix.
 */
export function failureLine(err: unknown, server: string | undefined): string {
  if (err instanceof CliError) return err.message;
  const code = networkCode(err);
  if (code) return `no cluster reachable at ${server ?? 'the configured server'} (${code}): check KUBECONFIG, --kubeconfig and --context`;
  if (err instanceof KubeApiError) {
    const body = err.body as { details?: { name?: string; group?: string } } | undefined;
    // A 404 without a named object is the API path itself missing: the kinds are not installed.
    if (err.status === 404 && !body?.details?.name && /\/apis\/dcos\.dev\//.test(err.message)) {
      return `the dcos.dev CRDs are not installed in this cluster: ${INSTALL_CRDS_HINT}`;
    }
    if (err.status === 401) return `the cluster refused the credentials of your kubeconfig (401 Unauthorized)`;
    if (err.status === 403) return `not allowed: ${(err.body as { message?: string } | undefined)?.message ?? err.message}`;
    const message = (err.body as { message?: string } | undefined)?.message;
    return message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
