import type { Logger } from 'pino';
import { certificateNotAfter, createCertificateAuthority, issueCertificate } from '../pki/certificates.ts';
import { isNotFound, type KubeClient, type KubeObjectLike } from '../kube/kube-client.ts';
import { WEBHOOK_CONFIGURATION_NAME } from './webhook-configurations.ts';

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
  caPem: string;
  notAfter: Date;
}

interface TlsSecret extends KubeObjectLike {
  type?: string;
  data?: Record<string, string>;
}

export interface CertificateRequest {
  namespace: string;
  secretName: string;
  dnsNames: string[];
  ipAddresses?: string[];
  /** Rotate when fewer than this many days are left. */
  renewBeforeDays?: number;
  validDays?: number;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString() : '');

/** Whether a stored certificate can still serve: present, not about to expire, and for the same names. */
export function needsRotation(secret: TlsSecret | undefined, req: CertificateRequest, now = new Date()): boolean {
  const cert = unb64(secret?.data?.['tls.crt']);
  if (!cert || !secret?.data?.['tls.key'] || !secret.data['ca.crt']) return true;
  if (secret.metadata.annotations?.['dcos.dev/serving-names'] !== [...req.dnsNames, ...(req.ipAddresses ?? [])].join(',')) return true;
  const renewAt = certificateNotAfter(cert).getTime() - (req.renewBeforeDays ?? 30) * 86_400_000;
  return now.getTime() >= renewAt;
}

/**
 * The webhook's serving certificate, kept in a Secret so every replica serves the same one: made
 * when missing, rotated before it expires. The CA is made fresh with each rotation and published
 * through caBundle, so nothing else has to be trusted.
 */
export async function ensureServingCertificate(client: KubeClient, req: CertificateRequest, log: Logger, now = new Date()): Promise<ServingCertificate> {
  const existing = await client.getOrUndefined<TlsSecret>('v1', 'Secret', req.secretName, req.namespace);
  if (existing && !needsRotation(existing, req, now)) {
    const certPem = unb64(existing.data!['tls.crt']);
    return { certPem, keyPem: unb64(existing.data!['tls.key']), caPem: unb64(existing.data!['ca.crt']), notAfter: certificateNotAfter(certPem) };
  }
  const validDays = req.validDays ?? 365;
  const ca = await createCertificateAuthority('dcos-operator-webhook-ca', validDays + 30, now);
  const leaf = await issueCertificate(ca, { commonName: req.dnsNames[0] ?? 'dcos-operator', dnsNames: req.dnsNames, ipAddresses: req.ipAddresses, usage: 'server', validDays, now });
  const secret: TlsSecret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: req.secretName,
      namespace: req.namespace,
      labels: { 'app.kubernetes.io/name': 'dcos-operator' },
      annotations: { 'dcos.dev/serving-names': [...req.dnsNames, ...(req.ipAddresses ?? [])].join(',') },
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(leaf.certPem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.certPem) },
  };
  if (existing) await client.replace({ ...secret, metadata: { ...secret.metadata, resourceVersion: existing.metadata.resourceVersion } });
  else await client.create(secret);
  log.info({ secret: `${req.namespace}/${req.secretName}`, notAfter: leaf.notAfter.toISOString(), rotated: !!existing }, 'webhook serving certificate issued');
  return { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: ca.certPem, notAfter: leaf.notAfter };
}

interface WebhookConfiguration extends KubeObjectLike {
  webhooks?: Array<{ name: string; clientConfig: { caBundle?: string } }>;
}

/** Puts the CA into every webhook of the operator's configurations, so the apiserver trusts the serving certificate. */
export async function publishCaBundle(client: KubeClient, caPem: string, log: Logger): Promise<void> {
  const caBundle = b64(caPem);
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    let config: WebhookConfiguration;
    try {
      config = await client.get<WebhookConfiguration>('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME);
    } catch (err) {
      if (isNotFound(err)) {
        log.warn({ kind, name: WEBHOOK_CONFIGURATION_NAME }, 'webhook configuration not found; admission checks are off until it exists');
        continue;
      }
      throw err;
    }
    const patch = (config.webhooks ?? []).flatMap((w, i) => (w.clientConfig.caBundle === caBundle ? [] : [{ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle }]));
    if (patch.length > 0) {
      await client.patch('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME, undefined, patch, 'json');
      log.info({ kind }, 'caBundle published');
    }
  }
}
