import type { UniversePackage } from './universe-package.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './universe-result.ts';

/**
 * Which DC/OS API a package's apps talk to that Kubernetes does not have, read from the package
 * and its rendered apps (pure: no cluster involved). Many Universe packages install a *scheduler*:
 * a program that registers with the Mesos master as a framework and launches the real workload
 * (brokers, nodes, drivers) as Mesos tasks; others (marathon-lb, traefik) read Marathon's REST API
 * to find the apps they route to. On Kubernetes those apps start, and their workload never does.
 *
 * The rule, strongest evidence first (the label `DCOS_PACKAGE_IS_FRAMEWORK: "false"` rules out 1 to 3;
 * weak hints alone, `framework: true` in package.json or the
 * `DCOS_PACKAGE_FRAMEWORK_NAME` label, flag nothing: plain apps like wordpress and kibana set them):
 * 1. a DC/OS SDK (dcos-commons) scheduler: the `DCOS_COMMONS_API_VERSION` label, or the SDK's
 *    scheduler layout (`FRAMEWORK_NAME` in env beside a libmesos-bundle);
 * 2. libmesos: a libmesos-bundle fetched, or the env that configures libmesos
 *    (`MESOS_NATIVE_JAVA_LIBRARY`, `LIBMESOS_URI`, `MESOS_AUTHENTICATEE`, `MESOS_MODULES`, `*_MESOS_ROLE`, ...);
 * 3. a framework's own flags in its command or arguments (`--framework-name`, `--mesos_framework_name`),
 *    or a Mesos master address in its command, arguments or env: `zk://.../mesos`, `mesos://`,
 *    `leader.mesos:5050`, `master.mesos:5050`;
 * 4. Marathon's REST API: the host `marathon.mesos` (not `<app>.marathon.mesos`, a task's DNS
 *    name), `leader.mesos:8080`, `/v2/apps`, `/v2/events`.
 */
export type MesosApi = 'Mesos' | 'Marathon';

export interface MesosDependency {
  /** The app (Marathon id) that needs it. */
  appId: string;
  api: MesosApi;
  /** What it is, in a few words: `a DC/OS SDK scheduler`, `a Mesos framework (libmesos)`, ... */
  what: string;
  /** Where it shows, for the message: `label DCOS_COMMONS_API_VERSION`, `args: -m http://marathon.mesos:8080`. */
  evidence: string[];
}

const LIBMESOS_ENV = /^(MESOS_NATIVE_JAVA_LIBRARY|MESOS_NATIVE_LIBRARY|LIBMESOS_URI|MESOS_AUTHENTICATEE|MESOS_HTTP_AUTHENTICATEE|MESOS_MODULES)$|_MESOS_(ROLE|PRINCIPAL|SECRET|MASTER)$/;
const MESOS_MASTER = /zk:\/\/[^\s"',]*\/mesos\b|mesos:\/\/[^\s"',]+|\b(?:leader|master)\.mesos:5050\b/;
const FRAMEWORK_FLAG = /--(?:mesos[_-])?framework[_-]name\b/;
const MARATHON_API = /(?<![\w.-])marathon\.mesos(?::\d+)?(?![\w.-])|\bleader\.mesos:8080\b|\/v2\/(?:apps|events|tasks|groups)\b/;

function strings(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isJsonObject(value)) return Object.values(value).flatMap(strings);
  return [];
}

function shorten(text: string, around: RegExpExecArray): string {
  const start = Math.max(0, around.index - 20);
  const end = Math.min(text.length, around.index + around[0].length + 20);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** The places of an app where an address it talks to can be: command, arguments, env values. */
function commandLike(app: JsonObject): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  if (typeof app.cmd === 'string') out.push({ where: 'cmd', text: app.cmd });
  if (Array.isArray(app.args)) out.push({ where: 'args', text: strings(app.args).join(' ') });
  if (isJsonObject(app.env)) {
    for (const [name, value] of Object.entries(app.env)) for (const text of strings(value)) out.push({ where: `env ${name}`, text });
  }
  return out;
}

function fetchUris(app: JsonObject): string[] {
  const fetched = Array.isArray(app.fetch) ? app.fetch.map((f) => (isJsonObject(f) ? f.uri : undefined)) : [];
  return [...strings(app.uris as JsonValue | undefined), ...fetched.filter((u): u is string => typeof u === 'string')];
}

/** What one rendered app needs, if anything. */
export function appMesosDependency(app: JsonObject): MesosDependency | undefined {
  const appId = typeof app.id === 'string' ? app.id : '';
  const labels = isJsonObject(app.labels) ? app.labels : {};
  const env = isJsonObject(app.env) ? app.env : {};
  // The package's own word that this app registers no framework; it may still read Marathon's API.
  const notFramework = labels.DCOS_PACKAGE_IS_FRAMEWORK === 'false';

  const libmesos: string[] = [];
  for (const uri of fetchUris(app)) if (/libmesos/i.test(uri)) libmesos.push(`fetch ${uri.split('/').pop()}`);
  for (const name of Object.keys(env)) if (LIBMESOS_ENV.test(name)) libmesos.push(`env ${name}`);
  if (typeof app.cmd === 'string' && /libmesos/.test(app.cmd)) libmesos.push('cmd loads libmesos');

  const sdk: string[] = [];
  if (labels.DCOS_COMMONS_API_VERSION !== undefined) sdk.push('label DCOS_COMMONS_API_VERSION');
  if (env.FRAMEWORK_NAME !== undefined && libmesos.length > 0) sdk.push('env FRAMEWORK_NAME beside libmesos');
  if (sdk.length > 0 && !notFramework) return { appId, api: 'Mesos', what: 'a DC/OS SDK (dcos-commons) scheduler', evidence: [...sdk, ...libmesos.slice(0, 2)] };

  const master: string[] = [];
  const marathon: string[] = [];
  const frameworkFlag: string[] = [];
  for (const { where, text } of commandLike(app)) {
    const m = MESOS_MASTER.exec(text);
    if (m) master.push(`${where}: ${shorten(text, m)}`);
    const a = MARATHON_API.exec(text);
    if (a) marathon.push(`${where}: ${shorten(text, a)}`);
    const f = FRAMEWORK_FLAG.exec(text);
    if (f && !where.startsWith('env')) frameworkFlag.push(`${where}: ${shorten(text, f)}`);
  }
  if (notFramework) return marathon.length > 0 ? { appId, api: 'Marathon', what: 'a program that reads Marathon\'s REST API', evidence: marathon.slice(0, 2) } : undefined;
  if (libmesos.length > 0) return { appId, api: 'Mesos', what: 'a Mesos framework scheduler (libmesos)', evidence: [...libmesos.slice(0, 2), ...master.slice(0, 1)] };
  if (frameworkFlag.length > 0) return { appId, api: 'Mesos', what: 'a Mesos framework scheduler', evidence: [...frameworkFlag.slice(0, 1), ...master.slice(0, 1)] };
  if (master.length > 0) return { appId, api: 'Mesos', what: 'a program that talks to the Mesos master', evidence: master.slice(0, 2) };
  if (marathon.length > 0) return { appId, api: 'Marathon', what: 'a program that reads Marathon\'s REST API', evidence: marathon.slice(0, 2) };
  return undefined;
}

/** Every app of a rendered package that needs Mesos or Marathon's API. */
export function mesosDependencies(apps: readonly JsonObject[]): MesosDependency[] {
  return apps.map(appMesosDependency).filter((d): d is MesosDependency => d !== undefined);
}

const INSTEAD: Record<MesosApi, string> = {
  Mesos:
    'There is no Mesos master on Kubernetes: the app runs, but the tasks it would launch through Mesos never start. ' +
    'Instead, run the software with its Kubernetes operator (e.g. Strimzi for Kafka, K8ssandra for Cassandra, the Spark operator) ' +
    'or as plain DcosServices (a package whose apps are the software itself, as packages/redis).',
  Marathon:
    'There is no Marathon API on Kubernetes: the app runs, but finds no apps through it. ' +
    'Instead, route with a Kubernetes Ingress or Gateway (every DcosService has a Service), or point it at an API it can read.',
};

/** For the package's status: `Mesos master`, `Marathon API` or both: what `kubectl get dpkg` shows. */
export function neededApis(dependencies: readonly MesosDependency[]): string | undefined {
  const apis = [...new Set(dependencies.map((d) => d.api))].sort();
  if (apis.length === 0) return undefined;
  return apis.map((a) => (a === 'Mesos' ? 'Mesos master' : 'Marathon API')).join(', ');
}

/** One sentence per app and what to do instead, for the condition message and the event. */
export function mesosDependencyMessage(pkg: Pick<UniversePackage, 'name'>, dependencies: readonly MesosDependency[]): string {
  const apps = dependencies.map((d) => `${d.appId} is ${d.what} (${d.evidence.join('; ')})`).join('. ');
  const apis = [...new Set(dependencies.map((d) => d.api))].sort();
  return `${pkg.name} needs ${neededApis(dependencies)}: ${apps}. ${apis.map((a) => INSTEAD[a]).join(' ')}`;
}
