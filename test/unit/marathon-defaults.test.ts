import { describe, expect, test } from 'vitest';
import { applyMarathonDefaults } from '../../src/marathon/marathon-defaults.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';

describe('applyMarathonDefaults', () => {
  test('Marathon\'s app defaults', () => {
    expect(applyMarathonDefaults({ cmd: 'x' })).toEqual({
      cmd: 'x',
      cpus: 1,
      mem: 128,
      disk: 0,
      gpus: 0,
      instances: 1,
      backoffSeconds: 1,
      backoffFactor: 1.15,
      maxLaunchDelaySeconds: 300,
      requirePorts: false,
      killSelection: 'YOUNGEST_FIRST',
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
      networks: [{ mode: 'host' }],
      portDefinitions: [{ port: 0, protocol: 'tcp' }],
    });
  });

  test.each([
    ['health check timings', { healthChecks: [{ protocol: 'TCP' as const }] }, (s: DcosServiceSpec) => s.healthChecks, [{ protocol: 'TCP', gracePeriodSeconds: 300, intervalSeconds: 60, timeoutSeconds: 20, maxConsecutiveFailures: 3, delaySeconds: 15, ipProtocol: 'IPv4', portIndex: 0 }]],
    ['readiness check', { readinessChecks: [{}] }, (s: DcosServiceSpec) => s.readinessChecks, [{ name: 'readinessCheck', protocol: 'HTTP', path: '/', portName: 'http-api', intervalSeconds: 30, timeoutSeconds: 10, httpStatusCodesForReady: [200], preserveLastResponse: false }]],
    ['persistent apps upgrade without overcapacity', { container: { volumes: [{ containerPath: 'd', persistent: { size: 1 } }] } }, (s: DcosServiceSpec) => s.upgradeStrategy, { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 }],
    ['a partial upgradeStrategy keeps what is set', { upgradeStrategy: { minimumHealthCapacity: 0.5 } }, (s: DcosServiceSpec) => s.upgradeStrategy, { minimumHealthCapacity: 0.5, maximumOverCapacity: 1 }],
    ['port mappings imply a bridge network with dynamic host ports', { container: { portMappings: [{ containerPort: 80 }] } }, (s: DcosServiceSpec) => [s.networks, s.container?.portMappings, s.portDefinitions], [[{ mode: 'container/bridge' }], [{ containerPort: 80, servicePort: 0, protocol: 'tcp', hostPort: 0 }], undefined]],
    ['fetch', { fetch: [{ uri: 'u' }] }, (s: DcosServiceSpec) => s.fetch, [{ uri: 'u', extract: true, executable: false, cache: false }]],
    ['values set are kept', { cpus: 0.5, instances: 0 }, (s: DcosServiceSpec) => [s.cpus, s.instances], [0.5, 0]],
  ])('%s', (_name, spec, pick, expected) => {
    expect(pick(applyMarathonDefaults(spec as DcosServiceSpec))).toEqual(expected);
  });

  test('is idempotent and does not change its input', () => {
    const input: DcosServiceSpec = { healthChecks: [{}], container: { docker: { image: 'x' }, portMappings: [{}] } };
    const copy = structuredClone(input);
    const once = applyMarathonDefaults(input);
    expect(applyMarathonDefaults(once)).toEqual(once);
    expect(input).toEqual(copy);
  });
});
