import { createServer } from 'node:net';
import { load } from 'js-yaml';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { Operator } from '../../src/operator/operator.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import { createLogger } from '../../src/operator/logger.ts';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';
import { createWebhookApp } from '../../src/webhooks/webhook-app.ts';
import { ensureServingCertificate } from '../../src/webhooks/webhook-certificates.ts';
import { WEBHOOK_CONFIGURATION_NAME, webhookConfigurations } from '../../src/webhooks/webhook-configurations.ts';
import { WebhookServer } from '../../src/webhooks/webhook-server.ts';
import { createTestNamespace, eventually, kubeClient, kubectlAsync as kubectl } from './support/cluster.ts';

/*
 * The admission webhooks as a user meets them: an in-process Operator (webhookMode url) serves them
 * on 127.0.0.1 and registers them with the real kube-apiserver; `kubectl apply` does the rest.
 * kubectl runs asynchronously here: a blocking spawnSync would starve the webhooks this process serves.
 */

const API = 'dcos.dev/v1alpha1';
const ADMISSION = 'admissionregistration.k8s.io/v1';
const IMAGE = { docker: { image: 'python:3.12-slim' } };

type Spec = Record<string, unknown>;
type WebhookConfiguration = KubeObjectLike & { webhooks: Array<{ clientConfig: { url?: string; caBundle?: string } }> };

function manifest(kind: string, name: string, spec: Spec, namespace?: string): string {
  return JSON.stringify({ apiVersion: API, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec });
}

/** A port nothing listens on: bound once by the kernel, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('admission webhooks on the real kube-apiserver', () => {
  const client = kubeClient();
  const log = createLogger('warn');
  let ns: string;
  let operator: Operator | undefined;

  const apply = (kind: string, name: string, spec: Spec) => kubectl(['apply', '-n', ns, '-f', '-'], manifest(kind, name, spec, ns));
  const getYaml = async (kind: string, name: string) => {
    const res = await kubectl(['get', kind.toLowerCase(), name, '-n', ns, '-o', 'yaml']);
    if (res.status !== 0) throw new Error(res.stderr);
    return load(res.stdout) as { spec: Record<string, any> };
  };
  const deleteService = (name: string) => kubectl(['delete', 'dcosservice', name, '-n', ns, '--ignore-not-found', '--wait=false']);

  beforeAll(async () => {
    ns = await createTestNamespace(client, 'webhooks');
    operator = new Operator(
      client,
      log,
      { ...defaultOperatorConfig({}), namespace: ns, webhookMode: 'url', webhookPort: 0, metricsHost: '127.0.0.1', metricsPort: 0, leaderElect: false, installCrds: true },
      [],
    );
    await operator.start();
    // The apiserver picks new webhook configurations up asynchronously: wait until a bad object is refused.
    await eventually(async () => {
      const res = await kubectl(['create', '--dry-run=server', '-n', ns, '-f', '-'], manifest('DcosService', 'probe', { cmd: 'sleep 1', args: ['sleep'], container: IMAGE }, ns));
      if (!/is invalid: spec\.args: expected either cmd or args/.test(res.stderr)) throw new Error(`validating webhook not in effect yet: ${res.stderr || res.stdout}`);
      const dryRun = await kubectl(['create', '--dry-run=server', '-o', 'json', '-n', ns, '-f', '-'], manifest('DcosService', 'probe', { cmd: 'sleep 1', container: IMAGE }, ns));
      if (dryRun.status !== 0 || JSON.parse(dryRun.stdout).spec.cpus !== 1) throw new Error(`defaulting webhook not in effect yet: ${dryRun.stderr || dryRun.stdout}`);
    });
  });

  afterAll(async () => {
    await operator?.stop();
    // stop() removes the configurations; make sure, so no later test meets a webhook nobody serves.
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) await client.delete(ADMISSION, kind, WEBHOOK_CONFIGURATION_NAME).catch(() => false);
    if (ns) await client.delete('v1', 'Namespace', ns).catch(() => false);
  });

  describe('`kubectl apply` of a DcosService breaking a rule only the webhook knows is refused, naming the field and what was expected', () => {
    it.each<[string, Spec, RegExp]>([
      ['cmd and args together', { cmd: 'sleep 1000', args: ['sleep', '1000'], container: IMAGE }, /spec\.args: expected either cmd or args, got both/],
      ['an app id with a bad segment', { id: '/prod/Bad_Id', cmd: 'sleep 1000', container: IMAGE }, /spec\.id: expected segments of lowercase letters, digits, '-' and '\.'.*, got "Bad_Id"/],
      ['an app id with a reserved segment', { id: '/prod/tasks/web', cmd: 'sleep 1000', container: IMAGE }, /spec\.id: expected a segment other than the reserved restart, tasks, versions, got "tasks"/],
      ['an unknown constraint operator', { cmd: 'sleep 1000', container: IMAGE, constraints: [['hostname', 'NEAR', 'dcos-agent-1']] }, /spec\.constraints\[0\]\[1\]: expected one of UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS, got "NEAR"/],
      [
        'a health check portIndex past the last port',
        { cmd: 'sleep 1000', container: IMAGE, portDefinitions: [{ port: 0, name: 'http' }], healthChecks: [{ protocol: 'HTTP', path: '/health', portIndex: 3 }] },
        /spec\.healthChecks\[0\]\.portIndex: expected a port index 0-0, got 3/,
      ],
      ['a LIKE whose value is not a regular expression', { cmd: 'sleep 1000', container: IMAGE, constraints: [['topology.kubernetes.io/zone', 'LIKE', 'zone-(']] }, /spec\.constraints\[0\]\[2\]: expected a regular expression, got "zone-\("/],
    ])('%s', async (_rule, spec, expected) => {
      const name = 'refused';
      const res = await apply('DcosService', name, spec);
      expect(res.status).not.toBe(0);
      // As the apiserver's own validation errors read: kubectl prints the webhook's causes under the object's name.
      expect(res.stderr).toMatch(/^The DcosService "refused" is invalid: /);
      expect(res.stderr).toMatch(expected);
      expect((await kubectl(['get', 'dcosservice', name, '-n', ns])).stderr).toMatch(/NotFound/);
    });

    it('lists every problem of one object in one answer', async () => {
      const res = await apply('DcosService', 'refused', { id: '/prod/Bad_Id', cmd: 'sleep 1000', args: ['x'], container: IMAGE, constraints: [['hostname', 'NEAR']] });
      expect(res.status).not.toBe(0);
      expect(res.stderr).toMatch(/^The DcosService "refused" is invalid: \n/);
      expect(res.stderr).toMatch(/^\* spec\.id: expected segments .*, got "Bad_Id"$/m);
      expect(res.stderr).toMatch(/^\* spec\.args: expected either cmd or args, got both$/m);
      expect(res.stderr).toMatch(/^\* spec\.constraints\[0\]\[1\]: expected one of .*, got "NEAR"$/m);
    });
  });

  it('admits a LIKE with an open-ended regex, as Marathon did, and `kubectl apply` prints what is not enforced', async () => {
    const res = await apply('DcosService', 'open-like', { cmd: 'sleep 1000', container: IMAGE, constraints: [['topology.kubernetes.io/zone', 'LIKE', 'zone-.*']] });
    expect(res.stdout).toMatch(/dcosservice\.dcos\.dev\/open-like created/);
    expect(res.stderr).toMatch(/^Warning: spec\.constraints\[0\]\[2\]: not enforced: node affinity matches listed values/m);
    await deleteService('open-like');
  });

  it('admits a plain Marathon `cmd` app that names no image, which the operator runs with its default image', async () => {
    const res = await apply('DcosService', 'plain-cmd', { cmd: 'sleep 1000' });
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/dcosservice\.dcos\.dev\/plain-cmd created/);
    await deleteService('plain-cmd');
  });

  it('lets valid DcosPackages and DcosPackageRepositories through the fail-closed validating webhook', async () => {
    // Their CRD schemas already say everything their zod schemas do (required fields, lengths, and the
    // repository's exactly-one-source rule in CEL), so the apiserver refuses bad ones before the webhook.
    const pkg = await apply('DcosPackage', 'hello', { packageName: 'hello-world', packageVersion: '2.2.0', options: { service: { name: 'hello' } } });
    expect(pkg.stderr).toBe('');
    expect(pkg.stdout).toMatch(/dcospackage\.dcos\.dev\/hello created/);
    const repoName = `${ns}-repo`;
    const repo = await kubectl(['apply', '-f', '-'], manifest('DcosPackageRepository', repoName, { url: 'https://universe.example.com/repo', priority: 5 }));
    try {
      expect(repo.stderr).toBe('');
      expect(repo.stdout).toContain(`dcospackagerepository.dcos.dev/${repoName} created`);
    } finally {
      await kubectl(['delete', 'dcospackagerepository', repoName, '--ignore-not-found']);
    }
    const both = await kubectl(['apply', '-f', '-'], manifest('DcosPackageRepository', `${repoName}-2`, { url: 'https://universe.example.com/repo', directory: '/universe' }));
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/set exactly one of url, configMap and directory/);
  });

  it('fills Marathon defaults into a minimal DcosService, as `kubectl get -o yaml` shows, keeping what the user set', async () => {
    const res = await apply('DcosService', 'minimal', {
      cmd: 'python3 -m http.server $PORT0',
      container: IMAGE,
      healthChecks: [{ protocol: 'HTTP', path: '/health', intervalSeconds: 10 }],
    });
    expect(res.stderr).toBe('');
    const { spec } = await getYaml('DcosService', 'minimal');
    expect(spec).toMatchObject({
      cmd: 'python3 -m http.server $PORT0',
      cpus: 1,
      mem: 128,
      disk: 0,
      instances: 1,
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
      networks: [{ mode: 'host' }],
      portDefinitions: [{ port: 0, protocol: 'tcp' }],
    });
    expect(spec.healthChecks).toEqual([
      {
        protocol: 'HTTP',
        path: '/health',
        intervalSeconds: 10,
        gracePeriodSeconds: 300,
        timeoutSeconds: 20,
        maxConsecutiveFailures: 3,
        delaySeconds: 15,
        ignoreHttp1xx: false,
        ipProtocol: 'IPv4',
        portIndex: 0,
      },
    ]);
    // Applying the same manifest again is not a change the user has to look at.
    const again = await apply('DcosService', 'minimal', { cmd: 'python3 -m http.server $PORT0', container: IMAGE, healthChecks: [{ protocol: 'HTTP', path: '/health', intervalSeconds: 10 }] });
    expect(again.stdout).toMatch(/dcosservice\.dcos\.dev\/minimal unchanged|configured/);
    expect((await getYaml('DcosService', 'minimal')).spec).toEqual(spec);
  });

  it.each([
    ['client-side', 'strings-csa', [] as string[]],
    ['server-side', 'strings-ssa', ['--server-side']],
  ])('`kubectl apply` (%s) of numbers written as strings (Marathon 0.x) stores the numbers and warns naming each field', async (_how, name, flags) => {
    const spec = { cmd: 'sleep 3600', container: IMAGE, cpus: '0.1', mem: '128', instances: '0' };
    const res = await kubectl(['apply', ...flags, '-n', ns, '-f', '-'], manifest('DcosService', name, spec, ns));
    expect(res.status, res.stderr).toBe(0);
    for (const field of ['cpus', 'mem', 'instances']) expect(res.stderr).toMatch(new RegExp(`Warning: spec\\.${field}: mapped: the string "[0-9.]+" is read as the number`));
    expect((await getYaml('DcosService', name)).spec).toMatchObject({ cpus: 0.1, mem: 128, instances: 0 });
    // The scale subresource reads the stored integer.
    const scale = await kubectl(['scale', 'dcosservice', name, '-n', ns, '--replicas=0']);
    expect(scale.status, scale.stderr).toBe(0);
    // Not a number at all: refused by the webhook, naming the field.
    const bad = await kubectl(['apply', ...flags, '-n', ns, '-f', '-'], manifest('DcosService', `${name}-bad`, { ...spec, cpus: 'lots' }, ns));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/spec\.cpus: expected a number \(or a string holding one\), got the string "lots"/);
    await deleteService(name);
  });

  it('rotates the serving certificate in its Secret before expiry, and the webhook server answers with the new one', async () => {
    const req = { namespace: ns, secretName: 'rotation-tls', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], renewBeforeDays: 30 };
    type TlsSecret = KubeObjectLike & { data: Record<string, string> };
    const first = await ensureServingCertificate(client, { ...req, validDays: 10 }, log);
    const firstSecret = await client.get<TlsSecret>('v1', 'Secret', 'rotation-tls', ns);
    const server = new WebhookServer(createWebhookApp({ validators: kindValidators(), log }), first);
    const port = await server.listen(0, '127.0.0.1');
    const origin = `https://127.0.0.1:${port}`;
    const pools: Pool[] = [];
    const poolTrusting = (caPem: string) => {
      const pool = new Pool(origin, { connect: { ca: caPem }, connections: 1, keepAliveTimeout: 30_000 });
      pools.push(pool);
      return pool;
    };
    const review = async (pool: Pool) => {
      const body = JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'rotation', kind: { group: 'dcos.dev', version: 'v1alpha1', kind: 'DcosService' }, operation: 'CREATE', name: 'web', object: { metadata: { name: 'web' }, spec: { cmd: 'x', args: ['x'], container: IMAGE } } },
      });
      const res = await pool.request({ method: 'POST', path: '/validate', body, headers: { 'content-type': 'application/json' } });
      const json = (await res.body.json()) as { response: { uid: string; allowed: boolean; status?: { message: string } } };
      return json.response;
    };
    try {
      const before = poolTrusting(first.caPem);
      expect(await review(before)).toMatchObject({ uid: 'rotation', allowed: false });

      // 10 days left, renewal 30 days before expiry: replaced, with a fresh CA.
      const second = await ensureServingCertificate(client, { ...req, validDays: 365 }, log);
      expect(second.certPem).not.toBe(first.certPem);
      expect(second.caPem).not.toBe(first.caPem);
      expect(second.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
      const rotated = await client.get<TlsSecret>('v1', 'Secret', 'rotation-tls', ns);
      expect(rotated.metadata.uid).toBe(firstSecret.metadata.uid);
      expect(rotated.metadata.resourceVersion).not.toBe(firstSecret.metadata.resourceVersion);
      expect(Buffer.from(rotated.data['tls.crt']!, 'base64').toString()).toBe(second.certPem);
      expect(Buffer.from(rotated.data['ca.crt']!, 'base64').toString()).toBe(second.caPem);
      // Far from expiry now: the next check keeps it.
      expect((await ensureServingCertificate(client, { ...req, validDays: 365 }, log)).certPem).toBe(second.certPem);

      server.useCertificate(second);
      // The connection opened before the swap keeps answering ...
      expect(await review(before)).toMatchObject({ uid: 'rotation', allowed: false });
      // ... new connections get the new certificate: trusted through the new CA, not the old one.
      expect(await review(poolTrusting(second.caPem))).toMatchObject({ uid: 'rotation', allowed: false });
      await expect(review(poolTrusting(first.caPem))).rejects.toThrow(/certificate|self.signed|verify/i);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
      await server.close();
    }
  });

  it('with the webhook down: DcosService writes are refused while validation is unreachable (fail closed), and admitted undefaulted when only defaulting is (fail open)', async () => {
    const current = await client.get<WebhookConfiguration>(ADMISSION, 'ValidatingWebhookConfiguration', WEBHOOK_CONFIGURATION_NAME);
    const caBundle = current.webhooks[0]!.clientConfig.caBundle;
    const live = `https://127.0.0.1:${operator!.ports.webhook}`;
    const down = `https://127.0.0.1:${await closedPort()}`;
    const [liveValidating, liveMutating] = webhookConfigurations({ url: live }, caBundle);
    const [downValidating, downMutating] = webhookConfigurations({ url: down }, caBundle);
    const spec = { cmd: 'sleep 1000', container: IMAGE };
    let attempt = 0;
    try {
      await client.apply(downValidating as KubeObjectLike);
      await client.apply(downMutating as KubeObjectLike);
      const refused = await eventually(async () => {
        const name = `down-${attempt++}`;
        const res = await apply('DcosService', name, spec);
        if (res.status === 0) {
          await deleteService(name);
          throw new Error('admitted: the apiserver still uses the previous configuration');
        }
        return res;
      });
      expect(refused.stderr).toMatch(/failed calling webhook "validate\.dcos\.dev"/);
      expect(refused.stderr).toMatch(/connection refused/);

      // Validation back, defaulting still unreachable: created as written, without Marathon's defaults.
      await client.apply(liveValidating as KubeObjectLike);
      const name = await eventually(async () => {
        const candidate = `undefaulted-${attempt++}`;
        const res = await apply('DcosService', candidate, spec);
        if (res.status !== 0) throw new Error(res.stderr);
        if ((await getYaml('DcosService', candidate)).spec.cpus !== undefined) {
          await deleteService(candidate);
          throw new Error('defaulted: the apiserver still uses the previous mutating configuration');
        }
        return candidate;
      });
      const { spec: stored } = await getYaml('DcosService', name);
      expect(stored).toEqual(spec);
      // Validation still judges: a bad object is refused by the webhook, not by its absence.
      const bad = await apply('DcosService', 'still-judged', { ...spec, args: ['sleep'] });
      expect(bad.stderr).toMatch(/The DcosService "still-judged" is invalid: spec\.args: expected either cmd or args, got both/);
    } finally {
      // Back to the operator's own, which stop() then removes.
      await client.apply(liveValidating as KubeObjectLike);
      await client.apply(liveMutating as KubeObjectLike);
    }
  });
});
