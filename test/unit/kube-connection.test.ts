import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKubeconfig, readKubeconfigFile, readKubeconfigFiles } from '../../src/kube/kube-connection.ts';

const kubeconfig = (user: object, cluster: object = { server: 'https://10.0.0.1:6443/' }) => `
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: { cluster: c1, user: u1 }
clusters:
- name: c1
  cluster: ${JSON.stringify(cluster)}
users:
- name: u1
  user: ${JSON.stringify(user)}
`;

/** The operator reads kubeconfigs without client-node: what kubectl would use, it must use. */
describe('kubeconfig reading', () => {
  it('takes the current context: server, inline CA and client certificate, token', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const { connection, needsClientNode } = readKubeconfig(kubeconfig({ token: 't0k', 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') }, { server: 'https://10.0.0.1:6443/', 'certificate-authority-data': b64('CA') }), '/nowhere');
    expect(needsClientNode).toBeUndefined();
    expect(connection).toMatchObject({ server: 'https://10.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY', token: 't0k', insecureSkipTlsVerify: false });
  });

  it('merges KUBECONFIG\'s files as kubectl does: the first current-context and the first entry of a name win; --context picks another, with its namespace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    const other = join(dir, 'other');
    const first = join(dir, 'first');
    writeFileSync(join(dir, 'ca.crt'), 'CA-OF-OTHER');
    // `first` sets no current-context and defines only a user; `other` defines the rest.
    writeFileSync(first, 'apiVersion: v1\nkind: Config\nusers:\n- name: u1\n  user: { token: from-first }\n');
    writeFileSync(other, `apiVersion: v1
kind: Config
current-context: dev
contexts:
- { name: dev, context: { cluster: c1, user: u1 } }
- { name: prod, context: { cluster: c2, user: u2, namespace: shop } }
clusters:
- { name: c1, cluster: { server: 'https://dev:6443', certificate-authority: ca.crt } }
- { name: c2, cluster: { server: 'https://prod:6443' } }
users:
- { name: u1, user: { token: from-other } }
- { name: u2, user: { token: prod-token } }
`);
    const merged = readKubeconfigFiles([first, other]);
    expect(merged.connection).toMatchObject({ server: 'https://dev:6443', token: 'from-first', ca: 'CA-OF-OTHER' });
    expect(merged.namespace).toBeUndefined();
    expect(readKubeconfigFiles([first, other], 'prod')).toMatchObject({ connection: { server: 'https://prod:6443', token: 'prod-token' }, namespace: 'shop' });
    expect(() => readKubeconfigFiles([first, other], 'nope')).toThrow('context "nope" not found in the kubeconfig (contexts: dev, prod)');
  });

  it('reads certificate and token files relative to the kubeconfig, as kubectl does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'ca.crt'), 'CA-FILE');
    writeFileSync(join(dir, 'config'), kubeconfig({ tokenFile: 'token' }, { server: 'https://h:1', 'certificate-authority': 'ca.crt' }));
    const { connection } = readKubeconfigFile(join(dir, 'config'));
    expect(connection.ca).toBe('CA-FILE');
    expect(connection.tokenFile).toBe(join(dir, 'token'));
  });

  it('says which field needs client-node (exec credentials)', () => {
    expect(readKubeconfig(kubeconfig({ exec: { command: 'aws' } }), '/').needsClientNode).toBe('users.user.exec');
  });

  it('names what is missing', () => {
    expect(() => readKubeconfig('apiVersion: v1\nkind: Config\n', '/')).toThrow('kubeconfig: current-context is not set');
    expect(() => readKubeconfig(kubeconfig({}, {}), '/')).toThrow('kubeconfig: clusters.c1.server is not set');
  });
});
