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
    ['COMMAND without a command in a second check', { ...ports, healthChecks: [{}, { protocol: 'COMMAND' as const }] }, 'spec.healthChecks[1].command', /value/],
    ['a port index out of range', { ...ports, healthChecks: [{ portIndex: 2 }] }, 'spec.healthChecks[0].portIndex', /0-1, got 2/],
    ['COMMAND without a command', { ...ports, healthChecks: [{ protocol: 'COMMAND' as const }] }, 'spec.healthChecks[0].command', /value/],
    ['HTTP on a UDP port', { portDefinitions: [{ port: 53, protocol: 'udp' as const }], healthChecks: [{}] }, 'spec.healthChecks[0]', /UDP-only/],
    ['a readiness check on an unknown port', { ...ports, readinessChecks: [{}] }, 'spec.readinessChecks[0].portName', /http, admin.*"http-api"/],
    ['readiness codes outside 200-399', { ...ports, readinessChecks: [{ portName: 'http', httpStatusCodesForReady: [200, 404] }] }, 'spec.readinessChecks[0].httpStatusCodesForReady', /404/],
    ['a readiness timeout not below the interval', { ...ports, readinessChecks: [{ portName: 'http', intervalSeconds: 5, timeoutSeconds: 5 }] }, 'spec.readinessChecks[0].timeoutSeconds', /less than intervalSeconds/],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(probes(spec).errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  describe('several health checks: one liveness probe, the next check as readiness, a warning for the rest', () => {
    const tcp = { protocol: 'TCP' as const, portIndex: 0, intervalSeconds: 5, timeoutSeconds: 2, gracePeriodSeconds: 0 };
    const http = { protocol: 'HTTP' as const, path: '/health', portIndex: 1, intervalSeconds: 10, timeoutSeconds: 3, gracePeriodSeconds: 0 };
    const cmd = { protocol: 'COMMAND' as const, command: { value: 'check' }, intervalSeconds: 20, timeoutSeconds: 4, gracePeriodSeconds: 0, delaySeconds: 0 };

    test('the HTTP check is the most specific: it restarts the task; the COMMAND check gates readiness', () => {
      const out = probes({ ...ports, healthChecks: [tcp, cmd, http] });
      expect(out.errors).toEqual([]);
      expect(out.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 9090 }, periodSeconds: 10, failureThreshold: 3 });
      expect(out.readinessProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'check'] }, initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 4, failureThreshold: 1, successThreshold: 1 });
      expect(out.notices).toEqual([
        { path: 'spec.healthChecks[1]', message: expect.stringMatching(/^enforced as the readiness probe only: .*does not restart it.*spec\.healthChecks\[2\]/) },
        { path: 'spec.healthChecks[0]', message: expect.stringMatching(/^not enforced: .*liveness probe \(spec\.healthChecks\[2\]\).*readiness probe \(spec\.healthChecks\[1\]\)/) },
      ]);
    });

    test('equals keep their order: the first of two HTTP checks owns liveness', () => {
      const out = probes({ ...ports, healthChecks: [{ ...http, path: '/a' }, { ...http, path: '/b' }] });
      expect(out.livenessProbe?.httpGet?.path).toBe('/a');
      expect(out.readinessProbe?.httpGet?.path).toBe('/b');
    });

    test('with a readiness check, the other health checks are named as not enforced', () => {
      const out = probes({ ...ports, healthChecks: [http, tcp], readinessChecks: [{ portName: 'http' }] });
      expect(out.readinessProbe?.httpGet?.path).toBe('/');
      expect(out.notices.map((n) => n.path)).toContain('spec.healthChecks[1]');
      expect(out.notices.find((n) => n.path === 'spec.healthChecks[1]')?.message).toMatch(/readiness probe \(spec\.readinessChecks\[0\]\)/);
    });
  });
});
