// Small packages built in code, so each test shows the template and config it is about.
import { packageFromDefinition, type UniversePackage } from '../../src/universe/universe-package.ts';
import type { RepositoryIndex } from '../../src/universe/universe-index.ts';
import type { JsonObject } from '../../src/universe/universe-result.ts';
import { corpusPath } from '../support/corpus-location.ts';


export interface TestPackage {
  name?: string;
  version?: string;
  releaseVersion?: number;
  template?: string;
  config?: JsonObject;
  resource?: JsonObject;
  extra?: JsonObject;
}

export function testPackage(p: TestPackage = {}): UniversePackage {
  const definition: JsonObject = {
    packagingVersion: '4.0',
    name: p.name ?? 'demo',
    version: p.version ?? '1.0.0',
    releaseVersion: p.releaseVersion ?? 0,
    maintainer: 'tests',
    description: 'a package made by a test',
    tags: [],
    ...p.extra,
  };
  if (p.template !== undefined) definition.marathon = { v2AppMustacheTemplate: Buffer.from(p.template).toString('base64') };
  if (p.config) definition.config = p.config;
  if (p.resource) definition.resource = p.resource;
  const pkg = packageFromDefinition(definition, 'test');
  if (!pkg.ok) throw new Error(pkg.error.message);
  return pkg.value;
}

export function testIndex(packages: UniversePackage[], source = 'https://repo.example/index.json'): RepositoryIndex {
  return { source, packages, problems: [] };
}

/** A config.json of string/number options under `svc`, each with a default. */
export function simpleConfig(defaults: Record<string, string | number | boolean>): JsonObject {
  const properties: JsonObject = {};
  for (const [key, value] of Object.entries(defaults)) properties[key] = { type: typeof value === 'boolean' ? 'boolean' : typeof value, default: value };
  return { type: 'object', properties: { svc: { type: 'object', properties } } };
}

/** A validator for one of the upstream Universe schemas (meta/schema/*.json of the universe corpus), read in place. */
export async function upstreamSchema(file: string): Promise<(value: unknown) => string[]> {
  const { readFile } = await import('node:fs/promises');
  const { Validator } = await import('@cfworker/json-schema');
  const read = async (name: string) => JSON.parse(await readFile(corpusPath('universe', 'repo', 'meta', 'schema', name), 'utf8')) as object;
  const validator = new Validator(await read(file), '4', false);
  validator.addSchema(await read('vX-repo-definitions.json'), 'vX-repo-definitions.json');
  // Only the failures themselves, not the "a subschema had errors" lines above them.
  return (value) => validator.validate(value).errors.filter((e) => !['properties', 'items', 'allOf', '$ref', 'additionalProperties'].includes(e.keyword)).map((e) => `${e.instanceLocation} ${e.error}`);
}
