import { describe, expect, it } from 'vitest';
import { appMesosDependency, mesosDependencies, mesosDependencyMessage, neededApis } from '../../src/universe/mesos-dependencies.ts';
import { mesosDependencyStatus } from '../../src/universe/mesos-dependency-status.ts';
import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { renderDcosPackage, renderPackage } from '../../src/universe/package-render.ts';
import type { JsonObject } from '../../src/universe/universe-result.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';
import { optionsAUserMustGive } from '../support/universe-required-options.ts';
import { testIndex, testPackage } from './universe-test-packages.ts';

describe('appMesosDependency: which DC/OS API an app needs that Kubernetes has not', () => {
  it.each<[string, JsonObject, string | undefined, string | undefined]>([
    ['a DC/OS SDK scheduler by its label', { id: '/kafka', labels: { DCOS_COMMONS_API_VERSION: 'v1' } }, 'Mesos', 'DC/OS SDK'],
    [
      'a DC/OS SDK scheduler by its layout (FRAMEWORK_NAME beside a libmesos-bundle)',
      { id: '/x', env: { FRAMEWORK_NAME: 'x' }, fetch: [{ uri: 'https://downloads.mesosphere.com/libmesos-bundle/libmesos-bundle-1.14.tar.gz' }] },
      'Mesos',
      'DC/OS SDK',
    ],
    ['libmesos through its env', { id: '/m', env: { MESOS_NATIVE_JAVA_LIBRARY: '/usr/lib/libmesos.so' } }, 'Mesos', 'libmesos'],
    ['a dispatcher configured with a Mesos role', { id: '/spark', env: { SPARK_DISPATCHER_MESOS_ROLE: '*' } }, 'Mesos', 'libmesos'],
    ['a framework flag on the command line', { id: '/c', cmd: 'java -jar crate-mesos.jar --framework-name crate' }, 'Mesos', 'framework scheduler'],
    ['a Mesos master address in its arguments', { id: '/q', args: ['--master', 'zk://master.mesos:2181/mesos'] }, 'Mesos', 'Mesos master'],
    ['Marathon\'s REST API in its arguments', { id: '/lb', args: ['sse', '-m', 'http://marathon.mesos:8080'] }, 'Marathon', 'REST API'],
    ['Marathon\'s event stream path', { id: '/w', env: { URL: 'http://leader.mesos/marathon/v2/events' } }, 'Marathon', 'REST API'],
    ['nothing for a plain app', { id: '/nginx', cmd: 'nginx -g "daemon off;"' }, undefined, undefined],
    ['nothing for a task DNS name under marathon.mesos', { id: '/wp', env: { DB: 'mysql.marathon.mesos:3306' } }, undefined, undefined],
    ['nothing for weak hints alone (DCOS_PACKAGE_FRAMEWORK_NAME)', { id: '/k', labels: { DCOS_PACKAGE_FRAMEWORK_NAME: 'kibana' }, env: { FRAMEWORK_NAME: 'kibana' } }, undefined, undefined],
    [
      'no scheduler where the package says DCOS_PACKAGE_IS_FRAMEWORK false, but still Marathon\'s API',
      { id: '/t', labels: { DCOS_PACKAGE_IS_FRAMEWORK: 'false' }, env: { MESOS_ENDPOINT: 'http://leader.mesos:5050', MARATHON: 'http://marathon.mesos:8080' } },
      'Marathon',
      'REST API',
    ],
  ])('%s', (_name, app, api, what) => {
    const found = appMesosDependency(app);
    expect(found?.api).toBe(api);
    if (what) expect(found?.what).toContain(what);
    if (found) expect(found.evidence.length).toBeGreaterThan(0);
  });

  it('words the condition: what each app is, where it shows, and what to do instead', () => {
    const deps = mesosDependencies([
      { id: '/kafka', labels: { DCOS_COMMONS_API_VERSION: 'v1' } },
      { id: '/lb', args: ['-m', 'http://marathon.mesos:8080'] },
    ]);
    expect(neededApis(deps)).toBe('Marathon API, Mesos master');
    const message = mesosDependencyMessage({ name: 'demo' }, deps);
    expect(message).toContain('demo needs Marathon API, Mesos master: /kafka is a DC/OS SDK (dcos-commons) scheduler (label DCOS_COMMONS_API_VERSION)');
    expect(message).toContain('Kubernetes operator');
    expect(message).toContain('Ingress');
  });
});

describeCorpus('universe', 'Mesos frameworks among the visible Universe packages', () => {
  // The rule is in the code; this pins what it says about the corpus (read in place, defaults only).
  const expected: Record<string, 'Mesos' | 'Marathon'> = {
    'beta-confluent-kafka': 'Mesos', 'beta-confluent-kafka-zookeeper': 'Mesos', 'beta-datastax-dse': 'Mesos', 'beta-hello-world': 'Mesos',
    'beta-mke': 'Mesos', cassandra: 'Mesos', chronos: 'Mesos', crate: 'Mesos', elastic: 'Mesos', 'gestalt-framework': 'Marathon',
    grafana: 'Mesos', hdfs: 'Mesos', 'hello-world': 'Mesos', jenkins: 'Mesos', jupyterlab: 'Mesos', kafka: 'Mesos',
    'kubernetes-cluster': 'Mesos', marathon: 'Mesos', 'marathon-lb': 'Marathon', 'mongodb-replicaset': 'Mesos', nifi: 'Mesos',
    'openvpn-admin': 'Mesos', 'percona-pxc-mysql': 'Mesos', 'percona-server-mongodb': 'Mesos', 'portworx-confluent-kafka': 'Mesos',
    'portworx-percona-mongo': 'Mesos', 'portworx-zookeeper': 'Mesos', quobyte: 'Mesos', spark: 'Mesos', traefik: 'Marathon',
  };

  it('flags the SDK services, spark\'s dispatcher, marathon-lb and the other schedulers, and no plain app', async () => {
    const tree = await readUniverseTree(corpusPath('universe', 'repo', 'packages'));
    if (!tree.ok) throw new Error(tree.error.message);
    const found: Record<string, string> = {};
    for (const pkg of tree.value.packages.filter((p) => p.marathonTemplate !== undefined)) {
      const options = optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config));
      const rendered = renderPackage({ pkg, source: 'test', namespace: 'u', ...(Object.keys(options).length > 0 && { options }) });
      if (!rendered.ok) throw new Error(`${pkg.name}: ${rendered.error.message}`);
      const deps = mesosDependencies(rendered.value.services.map((s) => s.spec as unknown as JsonObject));
      if (deps.length > 0) found[pkg.name] = [...new Set(deps.map((d) => d.api))].join(',');
    }
    expect(found).toEqual(expected);
  });
});

describe('mesosDependencyStatus: what the DcosPackage status says', () => {
  const install = (template: string) => {
    const pkg = testPackage({ name: 'kafka', template });
    const rendered = renderDcosPackage(
      { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', metadata: { name: 'kafka', namespace: 'data', generation: 3 }, spec: { packageName: 'kafka' } },
      [{ name: 'universe', index: testIndex([pkg]) }],
    );
    if (!rendered.ok) throw new Error(rendered.error.message);
    return mesosDependencyStatus(rendered.value, 3);
  };

  it('a scheduler: condition True with the reason, the message, and NEEDS for kubectl get', () => {
    const status = install('{"id": "kafka", "cmd": "./scheduler", "labels": {"DCOS_COMMONS_API_VERSION": "v1"}}');
    expect(status.needs).toBe('Mesos master');
    expect(status.condition).toMatchObject({ type: 'MesosFrameworkUnsupported', status: 'True', reason: 'NeedsMesosMaster', observedGeneration: 3 });
    expect(status.condition.message).toMatch(/^kafka needs Mesos master: \/kafka is a DC\/OS SDK \(dcos-commons\) scheduler .*There is no Mesos master on Kubernetes/);
  });

  it('a plain app: condition False, no NEEDS', () => {
    const status = install('{"id": "kafka", "cmd": "sleep 1"}');
    expect(status.needs).toBeUndefined();
    expect(status.condition).toMatchObject({ type: 'MesosFrameworkUnsupported', status: 'False', reason: 'PlainApps' });
  });
});
