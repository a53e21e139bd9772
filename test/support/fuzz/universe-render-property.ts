import fc from 'fast-check';
import { renderPackage, PACKAGE_LABEL } from '../../../src/universe/package-render.ts';
import { packageFromDefinition, type UniversePackage } from '../../../src/universe/universe-package.ts';
import type { JsonObject } from '../../../src/universe/universe-result.ts';
import { dcosServiceSpecSchema } from '../../../src/resources/dcos-service.ts';
import { interestingString, looseValue } from './json-schema-arbitrary.ts';

/*
 * The Universe rendering as a property: for any package (config.json, marathon.json.mustache with
 * options in every kind of place, hostile fields like kind/metadata/namespace) and any options,
 * renderPackage returns instead of throwing; a refusal has a reason and a message that says where;
 * what it renders is only DcosServices, in the namespace it was given, labelled as the package's,
 * owned by nothing but the DcosPackage, with specs the DcosService schema accepts.
 */

const OPTION_NAMES = ['name', 'instances', 'cpus', 'text', 'flag', 'image'] as const;

const typedValue = (type: string): fc.Arbitrary<unknown> =>
  type === 'string' ? interestingString : type === 'integer' ? fc.integer({ min: -2, max: 10 }) : type === 'number' ? fc.double({ min: 0, max: 10, noNaN: true }) : fc.boolean();

/** An option of config.json: mostly a typed default, now and then a constraint or a default of the wrong type. */
const OPTION_TYPES: Record<(typeof OPTION_NAMES)[number], string> = { name: 'string', instances: 'integer', cpus: 'number', text: 'string', flag: 'boolean', image: 'string' };

/** Mostly each option's own type, now and then another (a package whose option is not what its template expects). */
const optionTypeArb = (name: (typeof OPTION_NAMES)[number]) => fc.oneof({ weight: 30, arbitrary: fc.constant(OPTION_TYPES[name]) }, { weight: 1, arbitrary: fc.constantFrom('string', 'integer', 'number', 'boolean') });

const optionSchemaArb = (name: (typeof OPTION_NAMES)[number]) => optionTypeArb(name).chain((type) =>
  fc
    .tuple(
      fc.oneof({ weight: 40, arbitrary: typedValue(type) }, { weight: 1, arbitrary: looseValue(1) }),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(undefined) },
        fc.integer({ min: -5, max: 5 }).map((minimum) => ({ minimum })),
        fc.integer({ min: 0, max: 50 }).map((maxLength) => ({ maxLength })),
        fc.array(typedValue(type), { minLength: 1, maxLength: 3 }).map((values) => ({ enum: values })),
        fc.constantFrom('^[a-z]+$', '.*', '^/').map((pattern) => ({ pattern })),
      ),
    )
    .map(([value, constraint]) => ({ type, default: value, ...constraint })),
);

const configArb: fc.Arbitrary<JsonObject | undefined> = fc.option(
  fc.record({
    type: fc.constant('object'),
    properties: fc.record({
      svc: fc.record({
        type: fc.constant('object'),
        properties: fc.record(Object.fromEntries(OPTION_NAMES.map((n) => [n, optionSchemaArb(n)])), { requiredKeys: [] }),
        required: fc.subarray([...OPTION_NAMES], { maxLength: 1 }),
      }, { requiredKeys: ['type', 'properties'] }),
    }),
  }) as unknown as fc.Arbitrary<JsonObject>,
  { nil: undefined },
);

const tag = fc.constantFrom(...OPTION_NAMES).chain((n) => fc.constantFrom(`{{svc.${n}}}`, `{{{svc.${n}}}}`));

/** One JSON value of the template: constants, or options in strings, alone as numbers, or raw. */
const templateValueArb: fc.Arbitrary<string> = fc.oneof(
  interestingString.map((s) => JSON.stringify(s)),
  tag.map((t) => `"${t}"`),
  fc.tuple(interestingString, tag).map(([s, t]) => JSON.stringify(`${s}-`).slice(0, -1) + `${t}"`),
  fc.constantFrom('{{svc.instances}}', '{{svc.cpus}}', '{{svc.flag}}'),
  fc.integer({ min: -3, max: 5 }).map(String),
  fc.constantFrom('null', 'true', '[]', '{}'),
);

const FIELDS = ['cmd', 'instances', 'cpus', 'mem', 'user', 'kind', 'apiVersion', 'metadata', 'namespace', 'labels', 'env', 'args', 'container', 'constraints', 'healthChecks'];

const appTemplateArb = (id: fc.Arbitrary<string>) =>
  fc.tuple(id, fc.dictionary(fc.constantFrom(...FIELDS), templateValueArb, { maxKeys: 6 }), fc.boolean(), fc.option(tag, { nil: undefined })).map(([appId, fields, docker, section]) => {
    const parts = [`"id": ${appId}`, ...Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${v}`)];
    if (docker) parts.push('"container": {"type": "DOCKER", "docker": {"image": "{{resource.assets.container.docker.image}}"}}');
    if (section) parts.push(`${section.replace(/^\{\{\{?svc\.(\w+)\}?\}\}$/, '{{#svc.$1}}')}"labels": {"SECTION": "on"}${section.replace(/^\{\{\{?svc\.(\w+)\}?\}\}$/, '{{/svc.$1}}')}`);
    return `{${parts.join(', ')}}`;
  });

const appIdArb = fc.oneof(templateValueArb, fc.constantFrom('"/web"', '"web"', '"/../kube-system/evil"', '"/a/b"', '"/Upper_Case"', '"{{svc.name}}"'));

const templateArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: appTemplateArb(appIdArb) },
  { weight: 2, arbitrary: fc.array(appTemplateArb(appIdArb), { minLength: 1, maxLength: 3 }).map((apps) => `{"id": "/group", "apps": [${apps.join(', ')}]}`) },
  // Broken templates: unclosed tags and sections, not JSON, not an object.
  { weight: 1, arbitrary: fc.constantFrom('{"id": "{{svc.name"}', '{{#svc.flag}}{"id": "x"}', '{"id": "x",}', '[]', '"app"', ' ', '{{>partial}}', '{"id": {{svc.text}}}') },
);

const packageArb: fc.Arbitrary<UniversePackage> = fc
  .record({ name: fc.constantFrom('nginx', 'victim', 'kafka'), template: templateArb, config: configArb, image: interestingString })
  .map(({ name, template, config, image }) => {
    const definition: JsonObject = {
      packagingVersion: '4.0',
      name,
      version: '1.0.0',
      releaseVersion: 0,
      maintainer: 'fuzz',
      description: 'generated',
      tags: [],
      marathon: { v2AppMustacheTemplate: Buffer.from(template).toString('base64') },
      resource: { assets: { container: { docker: { image } } } },
    };
    if (config) definition.config = config;
    const pkg = packageFromDefinition(definition, 'fuzz');
    if (!pkg.ok) throw new Error(`generated an unreadable package: ${pkg.error.message}`);
    return pkg.value;
  });

const optionsArb = fc.option(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ svc: fc.record(Object.fromEntries(OPTION_NAMES.map((n) => [n, typedValue(OPTION_TYPES[n])])), { requiredKeys: [] }) }, { requiredKeys: [] }) },
    fc.record({ svc: fc.dictionary(fc.constantFrom(...OPTION_NAMES, 'extra'), looseValue(1), { maxKeys: 4 }) }, { requiredKeys: [] }),
    fc.dictionary(interestingString, looseValue(2), { maxKeys: 3 }),
  ) as fc.Arbitrary<Record<string, unknown>>,
  { nil: undefined },
);

export const renderInputArb = fc.record({
  pkg: packageArb,
  options: optionsArb,
  namespace: fc.constantFrom('tenant', 'team-a'),
  owner: fc.option(fc.record({ name: fc.constant('my-package'), uid: fc.constant('uid-1') }), { nil: undefined }),
});

export interface RenderTally {
  rendered: number;
  refused: number;
  services: number;
  reasons: Record<string, number>;
}

const objectNamePattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface RenderInput {
  pkg: UniversePackage;
  options?: Record<string, unknown>;
  namespace: string;
  owner?: { name: string; uid: string };
}

export function checkRender(input: RenderInput, tally?: RenderTally): void {
  const fail = (what: string): never => {
    throw new Error(`${what}\ntemplate: ${input.pkg.marathonTemplate?.slice(0, 1000)}\noptions: ${JSON.stringify(input.options)?.slice(0, 500)}\nconfig: ${JSON.stringify(input.pkg.config)?.slice(0, 500)}`);
  };
  let result: ReturnType<typeof renderPackage>;
  try {
    result = renderPackage({ ...input, source: 'https://repo.example/index.json' });
  } catch (err) {
    return fail(`renderPackage threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  if (!result.ok) {
    const { reason, message } = result.error;
    if (!/^[A-Z][A-Za-z]+$/.test(reason)) fail(`refusal without a CamelCase reason: ${JSON.stringify(result.error)}`);
    if (message.trim() === '') fail(`refusal ${reason} without a message`);
    // Where the problem is: the option's path, the template's line and column, the rendered app's field.
    if (reason === 'OptionsInvalid' && !/: (svc|<root>|[^:;\s]+)[^:;]*: /.test(message)) fail(`OptionsInvalid does not name an option: ${message}`);
    if (reason === 'TemplateNotJson' && !/line \d+ column \d+|not render to a JSON object/.test(message)) fail(`TemplateNotJson does not say where: ${message}`);
    if (reason === 'RenderedAppInvalid' && !/app|"id"|group/.test(message)) fail(`RenderedAppInvalid does not name the app: ${message}`);
    if (tally) {
      tally.refused++;
      tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
    }
    return;
  }
  for (const service of result.value.services) {
    const where = `service ${service.metadata?.name}`;
    if (service.apiVersion !== 'dcos.dev/v1alpha1' || service.kind !== 'DcosService') fail(`${where} is a ${service.apiVersion} ${service.kind}`);
    if (service.metadata.namespace !== input.namespace) fail(`${where} is in namespace ${service.metadata.namespace}, not ${input.namespace}`);
    if (!objectNamePattern.test(service.metadata.name) || service.metadata.name.length > 253) fail(`${where}: not a valid object name`);
    const extraMeta = Object.keys(service.metadata).filter((k) => !['name', 'namespace', 'labels', 'ownerReferences'].includes(k));
    if (extraMeta.length > 0) fail(`${where} carries metadata the template set: ${extraMeta.join(', ')}`);
    if (service.metadata.labels?.[PACKAGE_LABEL] !== input.pkg.name) fail(`${where} is not labelled as ${input.pkg.name}'s`);
    const owners = service.metadata.ownerReferences ?? [];
    if (input.owner ? owners.length !== 1 || owners[0]!.uid !== input.owner.uid || owners[0]!.kind !== 'DcosPackage' : owners.length !== 0) fail(`${where} has owners ${JSON.stringify(owners)}`);
    if (!dcosServiceSpecSchema.safeParse(service.spec).success) fail(`${where}: its spec fails the DcosService schema`);
    if (service.spec.labels?.DCOS_PACKAGE_NAME !== input.pkg.name) fail(`${where}: DCOS_PACKAGE_NAME is not the package's`);
  }
  if (tally) {
    tally.rendered++;
    tally.services += result.value.services.length;
  }
}

export function renderProperty(tally?: RenderTally) {
  return fc.property(renderInputArb, (input) => checkRender(input, tally));
}
