import { describe, expect, test } from 'vitest';
import { translateHealthChecks } from '../../src/marathon/marathon-health-checks.ts';
import { applyMarathonDefaults } from '../../src/marathon/marathon-defaults.ts';
import { appPorts } from '../../src/marathon/marathon-ports.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';

const probes = (spec: DcosServiceSpec) => {
  const s = applyMarathonDefaults(spec);
  return translateHealthChecks(s, appPorts(s).ports);
};
const ports = { portDefinitions: [{ port: 8080, name: 'http' }, { port: 9090, name: 'admin' }] };

describe('health checks onto probes', () => {
  test.each([
    [
      'HTTP with grace: startup budget = grace plus the failures allowed after it',
      { ...ports, healthChecks: [{ protocol: 'HTTP' as const, path: '/health', portIndex: 1, gracePeriodSeconds: 60, intervalSeconds: 10, timeoutSeconds: 5, maxConsecutiveFailures: 3 }] },
      {
        livenessProbe: { httpGet: { path: '/health', port: 9090, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        startupProbe: { httpGet: { path: '/health', port: 9090, scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 9 },
        readinessProbe: { httpGet: { path: '/health', port: 9090, scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 1, successThreshold: 1 },
      },
    ],
    [
      'MESOS_TCP with a fixed port and no grace: delaySeconds delays the liveness probe',
      { ...ports, healthChecks: [{ protocol: 'MESOS_TCP' as const, port: 7000, gracePeriodSeconds: 0, delaySeconds: 5, intervalSeconds: 2, timeoutSeconds: 1 }] },
      {
        livenessProbe: { tcpSocket: { port: 7000 }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 7000 }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 1, successThreshold: 1 },
      },
    ],
    [
      'TCP with maxConsecutiveFailures 0 never kills: readiness only',
      { ...ports, healthChecks: [{ protocol: 'TCP' as const, maxConsecutiveFailures: 0, intervalSeconds: 5, timeoutSeconds: 2 }] },
      { readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 1, successThreshold: 1 } },
    ],
    [
      'COMMAND runs in a shell; MESOS_HTTPS uses the HTTPS scheme',
      { ...ports, healthChecks: [{ protocol: 'COMMAND' as const, command: { value: 'curl -f localhost:$PORT0' }, gracePeriodSeconds: 0, delaySeconds: 0, intervalSeconds: 5, timeoutSeconds: 2, maxConsecutiveFailures: 0 }] },
      {
        livenessProbe: { exec: { command: ['/bin/sh', '-c', 'curl -f localhost:$PORT0'] }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 1 },
        readinessProbe: { exec: { command: ['/bin/sh', '-c', 'curl -f localhost:$PORT0'] }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 1, successThreshold: 1 },
      },
    ],
  ])('%s', (_name, spec, expected) => {
    const { errors, notices: _n, ...out } = probes(spec);
    expect(errors).toEqual([]);
    expect(out).toEqual(expected);
  });

  test('a readiness check owns the readiness probe, on the named port', () => {
    const out = probes({ ...ports, healthChecks: [{ protocol: 'MESOS_HTTPS' }], readinessChecks: [{ portName: 'admin', path: '/ready', intervalSeconds: 10, timeoutSeconds: 3 }] });
    expect(out.errors).toEqual([]);
    expect(out.livenessProbe?.httpGet?.scheme).toBe('HTTPS');
    expect(out.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 9090, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 1, successThreshold: 1 });
  });

  test.each([
    ['two health checks', { ...ports, healthChecks: [{}, { protocol: 'TCP' as const }] }, 'spec.healthChecks[1]', /at most one health check/],
    ['a port index out of range', { ...ports, healthChecks: [{ portIndex: 2 }] }, 'spec.healthChecks[0].portIndex', /0-1, got 2/],
    ['COMMAND without a command', { ...ports, healthChecks: [{ protocol: 'COMMAND' as const }] }, 'spec.healthChecks[0].command', /value/],
    ['HTTP on a UDP port', { portDefinitions: [{ port: 53, protocol: 'udp' as const }], healthChecks: [{}] }, 'spec.healthChecks[0]', /UDP-only/],
    ['a readiness check on an unknown port', { ...ports, readinessChecks: [{}] }, 'spec.readinessChecks[0].portName', /http, admin.*"http-api"/],
    ['readiness codes outside 200-399', { ...ports, readinessChecks: [{ portName: 'http', httpStatusCodesForReady: [200, 404] }] }, 'spec.readinessChecks[0].httpStatusCodesForReady', /404/],
    ['a readiness timeout not below the interval', { ...ports, readinessChecks: [{ portName: 'http', intervalSeconds: 5, timeoutSeconds: 5 }] }, 'spec.readinessChecks[0].timeoutSeconds', /less than intervalSeconds/],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(probes(spec).errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});
