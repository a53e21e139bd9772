import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';
import { createCertificateAuthority, createSigningKeyPair, issueCertificate, type KeyPairPem } from '../pki/certificates.ts';
import type { ClusterFiles } from './cluster-layout.ts';

const VALID_DAYS = 365;

function kubeconfigYaml(server: string, caPem: string, client: KeyPairPem, user: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'dcos-local', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } }],
    contexts: [{ name: 'dcos-local', context: { cluster: 'dcos-local', user } }],
    'current-context': 'dcos-local',
  });
}

function write(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text, { mode });
}

/**
 * Certificates and kubeconfigs of the local cluster, made once and kept: a warm start reuses them,
 * so kubeconfigs handed out earlier stay valid.
 */
export async function ensureClusterPki(files: ClusterFiles, apiserverPort: number): Promise<void> {
  if (existsSync(files.kubeconfig) && existsSync(files.serviceAccountPrivate)) return;
  mkdirSync(files.pki, { recursive: true });
  const ca = existsSync(files.caKey)
    ? { certPem: readFileSync(files.caCert, 'utf8'), keyPem: readFileSync(files.caKey, 'utf8') }
    : await createCertificateAuthority('dcos-local-ca', VALID_DAYS * 10);
  write(files.caCert, ca.certPem, 0o644);
  write(files.caKey, ca.keyPem);

  const serving = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: ['127.0.0.1', '10.96.0.1'],
    usage: 'server',
    validDays: VALID_DAYS,
  });
  write(files.apiserverCert, serving.certPem, 0o644);
  write(files.apiserverKey, serving.keyPem);

  const sa = createSigningKeyPair();
  write(files.serviceAccountPublic, sa.publicPem, 0o644);
  write(files.serviceAccountPrivate, sa.privatePem);

  const server = `https://127.0.0.1:${apiserverPort}`;
  // Each component gets the identity its bootstrap RBAC role is bound to; only the admin is a master.
  const identities: Array<[string, string, string[]]> = [
    [files.controllerManagerKubeconfig, 'system:kube-controller-manager', []],
    [files.schedulerKubeconfig, 'system:kube-scheduler', []],
    [files.kubeconfig, 'dcos-admin', ['system:masters']],
  ];
  for (const [path, user, organizations] of identities) {
    const client = await issueCertificate(ca, { commonName: user, organizations, usage: 'client', validDays: VALID_DAYS });
    write(path, kubeconfigYaml(server, ca.certPem, client, user));
  }
}
