import type { DcosPackageRepositorySpec } from '../resources/dcos-package-repository.ts';
import { parseRepositoryIndex, type RepositoryIndex } from './universe-index.ts';
import { boundedCollector, decodeUtf8, defaultRepositoryLimits, fetchStreaming, mib, type BodyConsumer, type RepositoryLimits } from './repository-fetch.ts';
import { universeArchiveReader } from './universe-archive.ts';
import { readUniverseTree } from './universe-tree.ts';
import { fail, ok, type Result } from './universe-result.ts';

export interface ConfigMapRef {
  namespace: string;
  name: string;
  key: string;
}

export interface RepositoryReaders {
  fetch?: typeof globalThis.fetch;
  /** The whole read of a URL; overrides limits.timeoutMs. */
  timeoutMs?: number;
  limits?: Partial<RepositoryLimits>;
  /** Returns the ConfigMap's data, or undefined when it does not exist; the caller owns the Kubernetes client. */
  readConfigMap?: (ref: ConfigMapRef) => Promise<Record<string, string> | undefined>;
}

// The media types Cosmos asked a Universe server for, newest first; archives for a Git host.
const indexMediaTypes = ['v5', 'v4', 'v3']
  .map((v) => `application/vnd.dcos.universe.repo+json;charset=utf-8;version=${v}`)
  .concat('application/json;q=0.5', 'application/gzip;q=0.4', 'application/x-gzip;q=0.4', '*/*;q=0.1')
  .join(',');

const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
const isTar = (b: Uint8Array) => b.length > 262 && Buffer.from(b.subarray(257, 262)).toString('latin1') === 'ustar';

type Consumer = BodyConsumer & { finish(): Result<RepositoryIndex> | Promise<Result<RepositoryIndex>> };

/**
 * GETs a repository by URL: a repository index (JSON), or a `.tar.gz` of a Universe checkout
 * (told apart by the body's first bytes, so `dcos package repo add NAME <archive URL>` just works).
 * Every failure (network, HTTP status, limits, bad JSON, a hostile archive) comes back as a value.
 */
export async function fetchRepositoryIndex(url: string, readers: RepositoryReaders = {}): Promise<Result<RepositoryIndex>> {
  const limits: RepositoryLimits = { ...defaultRepositoryLimits, ...readers.limits, ...(readers.timeoutMs !== undefined && { timeoutMs: readers.timeoutMs }) };
  const choose = (first: Uint8Array, contentLength: number | undefined): Result<Consumer> => {
    if (first[0] === 0x50 && first[1] === 0x4b) {
      return fail('InvalidIndex', `GET ${url}: this is a zip (the old Universe zip format); point the repository at a JSON index (repo-up-to-1.x.json style) or a .tar.gz of a Universe checkout instead`);
    }
    if (isGzip(first) || isTar(first)) {
      if (contentLength !== undefined && contentLength > limits.maxArchiveBytes) return fail('InvalidArchive', `GET ${url}: the archive is ${mib(contentLength)}, over the limit of ${mib(limits.maxArchiveBytes)}`);
      return ok(universeArchiveReader(url, limits));
    }
    if (contentLength !== undefined && contentLength > limits.maxIndexBytes) {
      return fail('InvalidIndex', `GET ${url}: the index is ${mib(contentLength)}, over the limit of ${mib(limits.maxIndexBytes)}: a repository index is a few MiB; is this the right URL?`);
    }
    const collector = boundedCollector(`GET ${url}: the index`, limits.maxIndexBytes);
    return ok({
      chunk: (bytes) => collector.chunk(bytes),
      finish: () => {
        const body = collector.finish();
        if (!body.ok) return body;
        const text = decodeUtf8(body.value, `GET ${url}: the index`);
        return text.ok ? parseRepositoryIndex(text.value, url) : text;
      },
    });
  };
  const fetched = await fetchStreaming(url, { accept: indexMediaTypes }, limits, choose, readers.fetch);
  // DCOS_PACKAGE_SOURCE names what the user gave, not where a redirect led.
  return fetched.ok ? ok(fetched.value.value) : fetched;
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
