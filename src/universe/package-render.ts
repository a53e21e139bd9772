import { objectNameForAppId, resolveAppId } from '../marathon/app-id.ts';
import { isDns1123Subdomain } from '../marathon/kube-names.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, PACKAGE_LABEL } from '../marathon/operator-labels.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import { dcosServiceSpecSchema, type DcosService, type DcosServiceSpec } from '../resources/dcos-service.ts';
import { withoutNulls } from '../resources/marathon-json.ts';
import { formatJsonPath } from './json-location.ts';
import { mergeOptions, resolveOptions } from './package-options.ts';
import { resolvePackage, type NamedRepository, type ResolvedPackage } from './package-resolve.ts';
import { renderTemplate } from './package-template.ts';
import { describePackage, type UniversePackage } from './universe-package.ts';
import { fail, isJsonObject, ok, type JsonObject, type JsonValue, type Result } from './universe-result.ts';

export { PACKAGE_LABEL, MANAGED_BY_LABEL, MANAGED_BY } from '../marathon/operator-labels.ts';

export interface RenderPackageInput {
  pkg: UniversePackage;
  /** DCOS_PACKAGE_SOURCE: where the package came from (repository URL or path). */
  source: string;
  /** Every service goes here, whatever the template says. */
  namespace: string;
  /** The user's options, as `dcos package install --options`. */
  options?: Record<string, unknown>;
  /** Overrides the rendered Marathon id (the group id for a package that renders a group). */
  appId?: string;
  /** The DcosPackage; with a uid its services carry a controller owner reference to it. */
  owner?: { name: string; uid?: string };
}

export interface RenderedPackage {
  services: DcosService[];
  /** Defaults merged with the user's options: what the template saw (without `resource`). */
  options: JsonObject;
  preInstallNotes?: string;
  postInstallNotes?: string;
}

function base64Json(value: JsonValue): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** Groups nest; every app in them becomes a service with its id made absolute, as Marathon did. */
function flattenApps(node: JsonObject, parentGroup: string, out: JsonObject[]): Result<void> {
  const rawId = node.id;
  if (typeof rawId !== 'string' || rawId.trim() === '') return fail('RenderedAppInvalid', 'the rendered Marathon app or group has no "id"');
  // A relative id resolves against the group that holds it; `/_` stands for "a child of parentGroup".
  const id = resolveAppId(rawId, `${parentGroup.replace(/\/$/, '')}/_`);
  const isGroup = Array.isArray(node.apps) || Array.isArray(node.groups);
  if (!isGroup) {
    // Marathon read a null field as "not set" (see marathon-json.ts).
    const app: JsonObject = { ...withoutNulls(node), id };
    if (Array.isArray(app.dependencies)) {
      app.dependencies = app.dependencies.map((d) => (typeof d === 'string' ? resolveAppId(d, id) : d));
    }
    out.push(app);
    return ok(undefined);
  }
  for (const child of [...((node.apps as JsonValue[] | undefined) ?? []), ...((node.groups as JsonValue[] | undefined) ?? [])]) {
    if (!isJsonObject(child)) return fail('RenderedAppInvalid', `group ${id} holds something that is not an app or group`);
    const flattened = flattenApps(child, id, out);
    if (!flattened.ok) return flattened;
  }
  return ok(undefined);
}

function toJsonObject(options: Record<string, unknown> | undefined): Result<JsonObject> {
  if (options === undefined) return ok({});
  // Drops undefined and other non-JSON values the same way the apiserver would have stored them.
  const value = JSON.parse(JSON.stringify(options)) as JsonValue;
  return isJsonObject(value) ? ok(value) : fail('OptionsInvalid', 'options: must be an object');
}

/**
 * Installs a package on paper, as Cosmos did: defaults from config.json, the user's options over
 * them, validation, `resource` merged in, the mustache template rendered, package labels forced
 * on every app. The output is only DcosServices in `namespace`.
 */
export function renderPackage(input: RenderPackageInput): Result<RenderedPackage> {
  const { pkg } = input;
  const what = describePackage(pkg);
  if (pkg.marathonTemplate === undefined) {
    return fail('NoMarathonTemplate', `${what} has no marathon.json.mustache (it only ships a CLI): there is no service to run`);
  }
  const userOptions = toJsonObject(input.options);
  if (!userOptions.ok) return userOptions;
  const options = resolveOptions(pkg.config, userOptions.value);
  if (!options.ok) return fail(options.error.reason, options.error.reason === 'OptionsInvalid' ? `options invalid for ${what}: ${options.error.message}` : options.error.message);
  const context = mergeOptions(options.value, { resource: pkg.resource ?? {} });
  const rendered = renderTemplate(pkg.marathonTemplate, context);
  if (!rendered.ok) return rendered;

  const root: JsonObject = input.appId !== undefined ? { ...rendered.value, id: resolveAppId(input.appId) } : rendered.value;
  const apps: JsonObject[] = [];
  const flattened = flattenApps(root, '/', apps);
  if (!flattened.ok) return flattened;
  if (apps.length === 0) return fail('RenderedAppInvalid', `${what} rendered a group without apps`);

  const forcedLabels: Record<string, string> = {
    DCOS_PACKAGE_NAME: pkg.name,
    DCOS_PACKAGE_VERSION: pkg.version,
    DCOS_PACKAGE_SOURCE: input.source,
    DCOS_PACKAGE_OPTIONS: base64Json(userOptions.value),
    DCOS_PACKAGE_DEFINITION: base64Json(pkg.definition),
  };
  const services: DcosService[] = [];
  const names = new Set<string>();
  for (const app of apps) {
    const appId = app.id as string;
    const name = objectNameForAppId(appId);
    if (!isDns1123Subdomain(name)) {
      return fail('InvalidAppId', `app id ${JSON.stringify(appId)} gives the object name ${JSON.stringify(name)}, which Kubernetes does not accept (lowercase letters, digits, '-' and '.')`);
    }
    if (names.has(name)) return fail('InvalidAppId', `two apps of ${what} map to the same object name ${name}`);
    names.add(name);
    const labels = isJsonObject(app.labels) ? app.labels : {};
    const spec: JsonObject = { ...app, labels: { ...labels, ...forcedLabels } };
    const checked = dcosServiceSpecSchema.safeParse(spec);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const path = formatJsonPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
      return fail('RenderedAppInvalid', `${what} rendered app ${appId} that is not a valid Marathon app: ${path || 'app'}: ${issue.message}`);
    }
    const service: DcosService = {
      apiVersion: API_VERSION,
      kind: 'DcosService',
      metadata: {
        name,
        namespace: input.namespace,
        labels: { [PACKAGE_LABEL]: pkg.name, [MANAGED_BY_LABEL]: MANAGED_BY },
      },
      spec: spec as DcosServiceSpec,
    };
    if (input.owner?.uid) {
      service.metadata.ownerReferences = [
        { apiVersion: API_VERSION, kind: 'DcosPackage', name: input.owner.name, uid: input.owner.uid, controller: true, blockOwnerDeletion: true },
      ];
    }
    services.push(service);
  }
  const out: RenderedPackage = { services, options: options.value };
  if (pkg.preInstallNotes !== undefined) out.preInstallNotes = pkg.preInstallNotes;
  if (pkg.postInstallNotes !== undefined) out.postInstallNotes = pkg.postInstallNotes;
  return ok(out);
}

export interface RenderedDcosPackage extends RenderedPackage {
  resolved: ResolvedPackage;
}

/** What a DcosPackage should own right now: resolve it over the repositories, then render it. */
export function renderDcosPackage(dcosPackage: DcosPackage, repositories: readonly NamedRepository[]): Result<RenderedDcosPackage> {
  const { spec, metadata } = dcosPackage;
  const resolved = resolvePackage(repositories, spec.packageName, spec.packageVersion, spec.repository);
  if (!resolved.ok) return resolved;
  const input: RenderPackageInput = {
    pkg: resolved.value.pkg,
    source: resolved.value.repository.index.source,
    namespace: metadata.namespace ?? 'default',
    owner: metadata.uid ? { name: metadata.name, uid: metadata.uid } : { name: metadata.name },
  };
  if (spec.options !== undefined) input.options = spec.options;
  if (spec.appId !== undefined) input.appId = spec.appId;
  const rendered = renderPackage(input);
  if (!rendered.ok) return rendered;
  return ok({ ...rendered.value, resolved: resolved.value });
}
