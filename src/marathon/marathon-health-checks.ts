import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { Probe } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import type { AppPort } from './marathon-ports.ts';

/*
 * healthChecks -> probes. Marathon kills a task after maxConsecutiveFailures failed checks (liveness),
 * ignores failures for gracePeriodSeconds or until the first success (exactly a startupProbe, whose
 * budget is the grace period plus the failures allowed after it), and reports a task unhealthy after
 * one failed check (a readinessProbe with failureThreshold 1, which also keeps unhealthy tasks out of
 * the Service as Marathon-LB did). readinessChecks, when present, own the readinessProbe instead.
 * Kubernetes has one probe of each kind per container, so a second health check is rejected.
 */

type HealthCheck = NonNullable<DcosServiceSpec['healthChecks']>[number];
type ReadinessCheck = NonNullable<DcosServiceSpec['readinessChecks']>[number];
type Action = Pick<Probe, 'httpGet' | 'tcpSocket' | 'exec'>;

export interface Probes {
  livenessProbe?: Probe;
  startupProbe?: Probe;
  readinessProbe?: Probe;
  errors: FieldError[];
  notices: Notice[];
}

const MESOS_LEVEL = new Set(['MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP', 'COMMAND']);

function checkPort(hc: HealthCheck, path: string, ports: AppPort[], errors: FieldError[]): { port?: number; tcp: boolean } {
  if (hc.port !== undefined && hc.port !== 0) return { port: hc.port, tcp: true };
  const index = hc.portIndex ?? 0;
  const p = ports[index];
  if (!p) {
    errors.push({
      path: `${path}.portIndex`,
      message: ports.length === 0 ? `expected a port to check, got portIndex ${index} and the app has no ports` : `expected a port index 0-${ports.length - 1}, got ${index}`,
    });
    return { tcp: true };
  }
  return { port: p.containerPort, tcp: p.protocols.includes('TCP') };
}

function actionOf(hc: HealthCheck, path: string, ports: AppPort[], errors: FieldError[]): Action | undefined {
  const protocol = hc.protocol ?? 'HTTP';
  if (protocol === 'COMMAND') {
    if (!hc.command?.value) {
      errors.push({ path: `${path}.command`, message: 'expected {"value": "<shell command>"} for a COMMAND health check' });
      return undefined;
    }
    return { exec: { command: ['/bin/sh', '-c', hc.command.value] } };
  }
  if (hc.command !== undefined) errors.push({ path: `${path}.command`, message: `expected no command for a ${protocol} health check (only COMMAND runs one)` });
  const { port, tcp } = checkPort(hc, path, ports, errors);
  if (port === undefined) return undefined;
  if (!tcp) {
    errors.push({ path, message: `expected a TCP port to check, got a UDP-only port ${port}` });
    return undefined;
  }
  if (protocol === 'TCP' || protocol === 'MESOS_TCP') return { tcpSocket: { port } };
  const scheme = protocol === 'HTTPS' || protocol === 'MESOS_HTTPS' ? 'HTTPS' : 'HTTP';
  return { httpGet: { path: hc.path ?? '/', port, scheme } };
}

export function translateHealthChecks(spec: DcosServiceSpec, ports: AppPort[]): Probes {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const checks = spec.healthChecks ?? [];
  const out: Probes = { errors, notices };
  if (checks.length > 1) {
    errors.push({
      path: 'spec.healthChecks[1]',
      message: `expected at most one health check (a container has one liveness probe), got ${checks.length}: keep one, or combine them in one COMMAND check`,
    });
  }
  const hc = checks[0];
  if (hc) {
    const path = 'spec.healthChecks[0]';
    const protocol = hc.protocol ?? 'HTTP';
    const action = actionOf(hc, path, ports, errors);
    if (action) {
      const periodSeconds = Math.max(1, hc.intervalSeconds ?? 60);
      const timeoutSeconds = Math.max(1, hc.timeoutSeconds ?? 20);
      const mesosLevel = MESOS_LEVEL.has(protocol);
      // Marathon never ran delaySeconds for its own (HTTP/HTTPS/TCP) checks; Mesos did.
      const initialDelaySeconds = mesosLevel ? (hc.delaySeconds ?? 15) : 0;
      const maxFailures = hc.maxConsecutiveFailures ?? 3;
      const grace = hc.gracePeriodSeconds ?? 300;
      // maxConsecutiveFailures 0: Marathon-level checks never kill; Mesos kills at the first failure.
      const failureThreshold = maxFailures === 0 && mesosLevel ? 1 : maxFailures;
      if (failureThreshold > 0) {
        out.livenessProbe = { ...action, ...(grace > 0 ? {} : { initialDelaySeconds }), periodSeconds, timeoutSeconds, failureThreshold };
        if (grace > 0) {
          out.startupProbe = { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold: Math.ceil(grace / periodSeconds) + failureThreshold };
        }
      }
      out.readinessProbe = { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold: 1, successThreshold: 1 };
    }
    if (hc.ignoreHttp1xx) notices.push({ path: `${path}.ignoreHttp1xx`, message: 'ignored: Kubernetes counts a 1xx response as a failure; servers rarely send a 1xx as the final response' });
    if (hc.ipProtocol === 'IPv6') notices.push({ path: `${path}.ipProtocol`, message: 'ignored: probes use the pod IP of the cluster\'s address family' });
  }
  const readiness = translateReadinessChecks(spec, ports, errors, notices);
  if (readiness) out.readinessProbe = readiness;
  return out;
}

function translateReadinessChecks(spec: DcosServiceSpec, ports: AppPort[], errors: FieldError[], notices: Notice[]): Probe | undefined {
  const checks = spec.readinessChecks ?? [];
  if (checks.length > 1) errors.push({ path: 'spec.readinessChecks[1]', message: `expected at most one readiness check (as Marathon), got ${checks.length}` });
  const rc: ReadinessCheck | undefined = checks[0];
  if (!rc) return undefined;
  const path = 'spec.readinessChecks[0]';
  const portName = rc.portName ?? 'http-api';
  const port = ports.find((p) => p.name === portName);
  if (!port) {
    const named = ports.flatMap((p) => (p.name !== undefined ? [p.name] : []));
    errors.push({ path: `${path}.portName`, message: `expected the name of a port of the app (${named.length > 0 ? named.join(', ') : 'the app has no named ports'}), got ${JSON.stringify(portName)}` });
    return undefined;
  }
  const codes = rc.httpStatusCodesForReady ?? [200];
  const outside = codes.filter((c) => c < 200 || c > 399);
  if (outside.length > 0) {
    errors.push({ path: `${path}.httpStatusCodesForReady`, message: `expected status codes within 200-399 (what a Kubernetes probe accepts), got ${outside.join(', ')}` });
  } else {
    notices.push({ path: `${path}.httpStatusCodesForReady`, message: 'approximated: a Kubernetes probe counts every 200-399 response as ready' });
  }
  const interval = rc.intervalSeconds ?? 30;
  const timeout = rc.timeoutSeconds ?? 10;
  if (timeout >= interval && interval > 0) errors.push({ path: `${path}.timeoutSeconds`, message: `expected less than intervalSeconds (${interval}), got ${timeout}` });
  return {
    httpGet: { path: rc.path ?? '/', port: port.containerPort, scheme: rc.protocol ?? 'HTTP' },
    periodSeconds: Math.max(1, interval),
    timeoutSeconds: Math.max(1, timeout),
    failureThreshold: 1,
    successThreshold: 1,
  };
}
