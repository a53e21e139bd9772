import { describe, expect, test } from 'vitest';
import { dockerSize, translateDockerParameters } from '../../src/marathon/marathon-docker-parameters.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { service } from './marathon-builders.ts';

const params = (...kv: Array<[string, string]>) => translateDockerParameters(kv.map(([key, value]) => ({ key, value })));

describe('docker parameters onto the container and pod', () => {
  test('capabilities, privileged, read-only and user land on the security context', () => {
    const out = params(['cap-add', 'NET_ADMIN'], ['cap-add', 'CAP_SYS_TIME'], ['cap-drop', 'ALL'], ['privileged', 'true'], ['read-only', 'true'], ['user', '1000:nobody']);
    expect(out.errors).toEqual([]);
    expect(out.notices).toEqual([]);
    expect(out.securityContext).toEqual({ capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] }, privileged: true, readOnlyRootFilesystem: true, runAsUser: 1000, runAsGroup: 65534 });
  });

  test('pod-level flags: hostname, add-host, dns, sysctl, host namespaces, init', () => {
    const out = params(['hostname', 'zoo.service.consul'], ['add-host', 'db:10.0.0.5'], ['add-host', 'db2:10.0.0.5'], ['add-host', 'v6:fe80::1'], ['dns', '8.8.8.8'], ['dns-search', 'corp'], ['dns-opt', 'ndots:2'], ['sysctl', 'net.core.somaxconn=1024'], ['pid', 'host'], ['init', 'true']);
    expect(out.errors).toEqual([]);
    expect(out.pod).toEqual({
      hostname: 'zoo',
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['db', 'db2'] }, { ip: 'fe80::1', hostnames: ['v6'] }],
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['8.8.8.8'], searches: ['corp'], options: [{ name: 'ndots', value: '2' }] },
      securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      hostPID: true,
      shareProcessNamespace: true,
    });
    expect(out.notices.map((n) => n.message)).toEqual([expect.stringMatching(/pod hostname "zoo".*"service\.consul"/), expect.stringMatching(/shareProcessNamespace.*reaps zombies/)]);
  });

  test('shm-size, tmpfs and volumes become volumes; a named Docker volume is an emptyDir with a warning', () => {
    const out = params(['shm-size', '256m'], ['tmpfs', '/run:rw,size=64m'], ['v', '/var/run/docker.sock:/var/run/docker.sock:ro'], ['volume', 'cache:/cache']);
    expect(out.volumes).toEqual([
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
      { name: 'tmpfs-1', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'docker-vol-2', hostPath: { path: '/var/run/docker.sock' } },
      { name: 'docker-vol-3', emptyDir: {} },
    ]);
    expect(out.volumeMounts).toEqual([
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'tmpfs-1', mountPath: '/run' },
      { name: 'docker-vol-2', mountPath: '/var/run/docker.sock', readOnly: true },
      { name: 'docker-vol-3', mountPath: '/cache' },
    ]);
    expect(out.notices).toEqual([{ path: 'spec.container.docker.parameters[3]', message: expect.stringMatching(/emptyDir.*"cache"/) }]);
  });

  test('daemon-only flags are ignored, other flags named, each in a warning', () => {
    const out = params(['log-driver', 'journald'], ['log-opt', 'tag=x'], ['restart', 'always'], ['name', 'kdc'], ['net', 'frontend'], ['blkio-weight', '300']);
    expect(out.errors).toEqual([]);
    expect(out.notices.map((n) => [n.path, n.message.split(':')[0]])).toEqual([
      ['spec.container.docker.parameters[0]', 'log-driver="journald"'],
      ['spec.container.docker.parameters[1]', 'log-opt="tag=x"'],
      ['spec.container.docker.parameters[2]', 'restart="always"'],
      ['spec.container.docker.parameters[3]', 'name="kdc"'],
      ['spec.container.docker.parameters[4]', 'network="frontend"'],
      ['spec.container.docker.parameters[5]', 'blkio-weight="300"'],
    ]);
    expect(out.notices[0]!.message).toMatch(/ignored: the kubelet keeps container logs/);
    expect(out.notices[5]!.message).toMatch(/not applied/);
  });

  test.each([
    ['shm-size', 'lots', /64m/],
    ['workdir', 'relative', /absolute path/],
    ['cap-add', '', /capability/],
    ['privileged', 'maybe', /true or false/],
    ['ulimit', 'nofile', /NAME=SOFT/],
  ])('a %s value Docker would refuse (%s) is an error naming the parameter', (key, value, message) => {
    expect(params([key, value]).errors).toEqual([{ path: 'spec.container.docker.parameters[0].value', message: expect.stringMatching(message) }]);
  });

  test.each([
    ['64m', '64Mi'],
    ['1g', '1Gi'],
    ['512k', '512Ki'],
    ['1048576', '1048576'],
    ['2GB', '2Gi'],
  ])('docker size %s is %s', (size, quantity) => {
    expect(dockerSize(size)).toBe(quantity);
  });
});

describe('docker parameters in a translated app', () => {
  const ok = (spec: DcosServiceSpec) => {
    const r = translateService(service(spec));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r;
  };

  test('marathon-lb\'s labels, workdir, env and ulimit: the app runs with each flag applied', () => {
    const r = ok({
      cmd: 'exec haproxy',
      env: { MODE: 'app' },
      container: {
        docker: {
          image: 'x',
          parameters: [
            { key: 'label', value: 'created_by=marathon' },
            { key: 'label', value: 'dcos_pkg_name=marathon-lb' },
            { key: 'workdir', value: '/srv' },
            { key: 'e', value: 'MODE=param' },
            { key: 'e', value: 'EXTRA=1' },
            { key: 'ulimit', value: 'nofile=1024:4096' },
          ],
        },
      },
    });
    const template = r.workload.spec.template;
    expect(template.metadata.annotations).toMatchObject({ created_by: 'marathon', dcos_pkg_name: 'marathon-lb' });
    const c = template.spec.containers[0]!;
    expect(c.workingDir).toBe('/srv');
    expect(c.command).toEqual(['/bin/sh', '-c', 'ulimit -H -n 4096 2>/dev/null; ulimit -S -n 1024 2>/dev/null; exec haproxy']);
    // The app's own env wins over a docker -e, which wins over nothing: each name once.
    expect(c.env?.filter((e) => e.name === 'MODE')).toEqual([{ name: 'MODE', value: 'app' }]);
    expect(c.env).toContainEqual({ name: 'EXTRA', value: '1' });
  });

  test('spark\'s user parameter wins over spec.user', () => {
    const r = ok({ user: 'root', container: { docker: { image: 'x', parameters: [{ key: 'user', value: 'nobody' }] } } });
    expect(r.workload.spec.template.spec.containers[0]!.securityContext?.runAsUser).toBe(65534);
  });
});
