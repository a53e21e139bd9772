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
 * Kubernetes has one probe of each kind per container. With several health checks, the most specific
 * (HTTP over COMMAND over TCP; the first of equals) owns liveness and startup, the next one the
 * readiness probe (it marks the task unhealthy and takes it out of the Service, but no longer restarts
 * it), and a notice names each check that is not enforced as Marathon enforced it.
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

/** How much a check says about the app: an HTTP answer on a path, a command of the app's own, an open port. */
function specificity(hc: HealthCheck): number {
  const protocol = hc.protocol ?? 'HTTP';
  if (protocol === 'COMMAND') return 2;
  if (protocol === 'TCP' || protocol === 'MESOS_TCP') return 1;
  return 3;
}

interface Timing {
  periodSeconds: number;
  timeoutSeconds: number;
  initialDelaySeconds: number;
  mesosLevel: boolean;
}

function timing(hc: HealthCheck): Timing {
  const mesosLevel = MESOS_LEVEL.has(hc.protocol ?? 'HTTP');
  return {
    periodSeconds: Math.max(1, hc.intervalSeconds ?? 60),
    timeoutSeconds: Math.max(1, hc.timeoutSeconds ?? 20),
    // Marathon never ran delaySeconds for its own (HTTP/HTTPS/TCP) checks; Mesos did.
    initialDelaySeconds: mesosLevel ? (hc.delaySeconds ?? 15) : 0,
    mesosLevel,
  };
}

function readinessOf(action: Action, t: Timing): Probe {
  return { ...action, initialDelaySeconds: t.initialDelaySeconds, periodSeconds: t.periodSeconds, timeoutSeconds: t.timeoutSeconds, failureThreshold: 1, successThreshold: 1 };
}

export function translateHealthChecks(spec: DcosServiceSpec, ports: AppPort[]): Probes {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const checks = spec.healthChecks ?? [];
  const out: Probes = { errors, notices };
  // Every check is built (Marathon validated them all), then ranked.
  const built = checks.map((hc, i) => ({ hc, index: i, path: `spec.healthChecks[${i}]`, action: actionOf(hc, `spec.healthChecks[${i}]`, ports, errors) }));
  for (const { hc, path } of built) {
    if (hc.ignoreHttp1xx) notices.push({ path: `${path}.ignoreHttp1xx`, message: 'ignored: Kubernetes counts a 1xx response as a failure; servers rarely send a 1xx as the final response' });
    if (hc.ipProtocol === 'IPv6') notices.push({ path: `${path}.ipProtocol`, message: 'ignored: probes use the pod IP of the cluster\'s address family' });
  }
  const ranked = built.filter((b) => b.action !== undefined).sort((a, b) => specificity(b.hc) - specificity(a.hc) || a.index - b.index);
  const primary = ranked[0];
  if (primary) {
    const { hc } = primary;
    const action = primary.action!;
    const t = timing(hc);
    const maxFailures = hc.maxConsecutiveFailures ?? 3;
    const grace = hc.gracePeriodSeconds ?? 300;
    // maxConsecutiveFailures 0: Marathon-level checks never kill; Mesos kills at the first failure.
    const failureThreshold = maxFailures === 0 && t.mesosLevel ? 1 : maxFailures;
    const { initialDelaySeconds, periodSeconds, timeoutSeconds } = t;
    if (failureThreshold > 0) {
      out.livenessProbe = { ...action, ...(grace > 0 ? {} : { initialDelaySeconds }), periodSeconds, timeoutSeconds, failureThreshold };
      if (grace > 0) {
        out.startupProbe = { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold: Math.ceil(grace / periodSeconds) + failureThreshold };
      }
    }
    out.readinessProbe = readinessOf(action, t);
  }
  const readiness = translateReadinessChecks(spec, ports, errors, notices);
  if (readiness) out.readinessProbe = readiness;
  const second = readiness === undefined ? ranked[1] : undefined;
  if (primary && second) {
    out.readinessProbe = readinessOf(second.action!, timing(second.hc));
    notices.push({
      path: second.path,
      message: `enforced as the readiness probe only: a failure marks the task unhealthy and takes it out of the Service, but does not restart it (a container has one liveness probe, ${primary.path}, whose failures now restart the task without first marking it unhealthy)`,
    });
  }
  for (const other of ranked.slice(second ? 2 : 1)) {
    notices.push({
      path: other.path,
      message: `not enforced: a container has one liveness probe (${primary!.path}) and one readiness probe (${readiness ? 'spec.readinessChecks[0]' : second!.path}); combine the checks into one COMMAND check to enforce both`,
    });
  }
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
