import type { DcosPackageRepositorySpec } from '../resources/dcos-package-repository.ts';
import { parseRepositoryIndex, type RepositoryIndex } from './universe-index.ts';
import { readUniverseTree } from './universe-tree.ts';
import { fail, type Result } from './universe-result.ts';

export interface ConfigMapRef {
  namespace: string;
  name: string;
  key: string;
}

export interface RepositoryReaders {
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  /** Returns the ConfigMap's data, or undefined when it does not exist; the caller owns the Kubernetes client. */
  readConfigMap?: (ref: ConfigMapRef) => Promise<Record<string, string> | undefined>;
}

// The media types Cosmos asked a Universe server for, newest first.
const indexMediaTypes = ['v5', 'v4', 'v3']
  .map((v) => `application/vnd.dcos.universe.repo+json;charset=utf-8;version=${v}`)
  .concat('application/json;q=0.5')
  .join(',');

/** GETs a repository index; every failure (network, HTTP status, bad JSON) comes back as a value. */
export async function fetchRepositoryIndex(url: string, readers: RepositoryReaders = {}): Promise<Result<RepositoryIndex>> {
  const doFetch = readers.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { accept: indexMediaTypes },
      signal: AbortSignal.timeout(readers.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return fail('IndexUnreachable', `GET ${url}: ${cause ?? (error as Error).message}`);
  }
  if (!response.ok) {
    return fail('IndexUnreachable', `GET ${url}: HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}`);
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (body[0] === 0x50 && body[1] === 0x4b) {
    return fail('InvalidIndex', `GET ${url}: this is a zip (the old Universe zip format); point the repository at a JSON index (repo-up-to-1.x.json style) instead`);
  }
  return parseRepositoryIndex(body.toString('utf8'), url);
}

export function configMapSource(ref: ConfigMapRef): string {
  return `configmap://${ref.namespace}/${ref.name}/${ref.key}`;
}

/** Reads the repository a DcosPackageRepository's spec points at. */
export async function loadRepository(spec: DcosPackageRepositorySpec, readers: RepositoryReaders = {}): Promise<Result<RepositoryIndex>> {
  const sources = [spec.url, spec.configMap, spec.directory].filter((s) => s !== undefined);
  if (sources.length !== 1) return fail('InvalidSpec', 'set exactly one of spec.url, spec.configMap and spec.directory');
  if (spec.url !== undefined) {
    if (!/^https?:\/\//.test(spec.url)) return fail('InvalidSpec', `spec.url must be http:// or https://, got ${JSON.stringify(spec.url)}`);
    return fetchRepositoryIndex(spec.url, readers);
  }
  if (spec.directory !== undefined) return readUniverseTree(spec.directory);
  const ref = spec.configMap!;
  if (!readers.readConfigMap) return fail('InvalidSpec', 'ConfigMap repositories need a ConfigMap reader');
  const data = await readers.readConfigMap(ref);
  if (data === undefined) return fail('IndexUnreachable', `ConfigMap ${ref.namespace}/${ref.name} not found`);
  const text = data[ref.key];
  if (text === undefined) {
    return fail('IndexUnreachable', `ConfigMap ${ref.namespace}/${ref.name} has no key ${JSON.stringify(ref.key)} (keys: ${Object.keys(data).join(', ') || 'none'})`);
  }
  return parseRepositoryIndex(text, configMapSource(ref));
}
