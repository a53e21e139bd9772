import { fail, ok, type Result } from './universe-result.ts';

/**
 * Limits on what reading a repository URL may cost. A repository is someone else's server: it may
 * be huge, slow on purpose (slow loris), redirect forever, or send garbage. Each limit gives a
 * clear reason instead of memory growth or a stuck worker.
 */
export interface RepositoryLimits {
  /** The whole read (headers and body, redirects included). */
  timeoutMs: number;
  /** An index is held in memory to parse: its body may not exceed this. */
  maxIndexBytes: number;
  /** A .tar.gz as sent (compressed); it is streamed, never held whole. */
  maxArchiveBytes: number;
  /** The archive once decompressed, every entry counted (a gzip bomb stops here). */
  maxUnpackedBytes: number;
  /** One package file kept from an archive. */
  maxFileBytes: number;
  /** Entries in an archive. */
  maxEntries: number;
  maxRedirects: number;
}

export const defaultRepositoryLimits: RepositoryLimits = {
  timeoutMs: 30_000,
  maxIndexBytes: 64 * 1024 * 1024,
  maxArchiveBytes: 256 * 1024 * 1024,
  maxUnpackedBytes: 1024 * 1024 * 1024,
  maxFileBytes: 4 * 1024 * 1024,
  maxEntries: 500_000,
  maxRedirects: 5,
};

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

export interface BodyConsumer {
  /** Takes the next chunk; returns a failure to stop reading (the connection is closed). */
  chunk(bytes: Uint8Array): Result<void> | Promise<Result<void>>;
}

export interface FetchedBody<T> {
  /** The URL the body came from, after redirects. */
  url: string;
  value: T;
}

type Fetch = typeof globalThis.fetch;

function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message ?? (error as Error).message;
}

/**
 * GETs `url` and streams the body to the consumer chosen from its first bytes, within the limits:
 * redirects followed by hand (counted, loops named), one deadline for everything, and the
 * connection closed as soon as a consumer refuses more.
 */
export async function fetchStreaming<T>(
  url: string,
  headers: Record<string, string>,
  limits: RepositoryLimits,
  choose: (first: Uint8Array, contentLength: number | undefined) => Result<BodyConsumer & { finish(): Result<T> | Promise<Result<T>> }>,
  doFetch: Fetch = globalThis.fetch,
): Promise<Result<FetchedBody<T>>> {
  const controller = new AbortController();
  const seconds = `${limits.timeoutMs / 1000} s`;
  let phase: 'headers' | 'body' = 'headers';
  let received = 0;
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const timedOut = () =>
    fail<FetchedBody<T>>(
      'IndexUnreachable',
      phase === 'headers'
        ? `GET ${url}: no response within ${seconds} (the server accepted the connection but did not answer)`
        : `GET ${url}: the body did not arrive within ${seconds} (${received} bytes received): the server is too slow or stalls`,
    );
  try {
    let current = url;
    const visited: string[] = [];
    let response: Response;
    for (;;) {
      try {
        response = await doFetch(current, { headers, redirect: 'manual', signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted) return timedOut();
        return fail('IndexUnreachable', `GET ${current}: ${networkMessage(error)}`);
      }
      if (response.status < 300 || response.status >= 400 || !response.headers.get('location')) break;
      await response.body?.cancel().catch(() => undefined);
      visited.push(current);
      const next = new URL(response.headers.get('location')!, current).href;
      if (visited.includes(next)) return fail('IndexUnreachable', `GET ${url}: redirect loop: ${[...visited, next].join(' -> ')}`);
      if (visited.length > limits.maxRedirects) return fail('IndexUnreachable', `GET ${url}: more than ${limits.maxRedirects} redirects (${[...visited, next].join(' -> ')})`);
      if (!/^https?:$/.test(new URL(next).protocol)) return fail('IndexUnreachable', `GET ${current}: redirected to ${next}, which is not HTTP(S)`);
      current = next;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return fail('IndexUnreachable', `GET ${current}: HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}`);
    }
    phase = 'body';
    const lengthHeader = response.headers.get('content-length');
    const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const reader = response.body?.getReader();
    let consumer: (BodyConsumer & { finish(): Result<T> | Promise<Result<T>> }) | undefined;
    const stop = async <R>(result: Result<R>) => {
      controller.abort();
      await reader?.cancel().catch(() => undefined);
      return result;
    };
    for (;;) {
      let step: { done: true; value?: undefined } | { done: false; value: Uint8Array };
      try {
        step = reader ? await reader.read() : { done: true, value: undefined };
      } catch (error) {
        if (controller.signal.aborted) return timedOut();
        return fail('IndexUnreachable', `GET ${current}: the connection broke after ${received} bytes: ${networkMessage(error)}`);
      }
      if (step.done) break;
      received += step.value.byteLength;
      if (!consumer) {
        const chosen = choose(step.value, contentLength);
        if (!chosen.ok) return stop(chosen);
        consumer = chosen.value;
      }
      const taken = await consumer.chunk(step.value);
      if (!taken.ok) return stop(taken);
    }
    if (!consumer) {
      const chosen = choose(new Uint8Array(0), contentLength);
      if (!chosen.ok) return chosen;
      consumer = chosen.value;
    }
    const value = await consumer.finish();
    return value.ok ? ok({ url: current, value: value.value }) : value;
  } finally {
    clearTimeout(timer);
  }
}

/** Collects a body in memory up to `max` bytes (an index, which must be parsed whole). */
export function boundedCollector(what: string, max: number): BodyConsumer & { finish(): Result<Uint8Array> } {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    chunk(bytes) {
      size += bytes.byteLength;
      if (size > max) return fail('InvalidIndex', `${what} is larger than the limit of ${mib(max)}: a repository index is a few MiB; is this the right URL?`);
      chunks.push(bytes);
      return ok(undefined);
    },
    finish: () => ok(Buffer.concat(chunks)),
  };
}

/** UTF-8 text, or where it stops being UTF-8 (a lossy decode would hide a corrupt file). */
export function decodeUtf8(bytes: Uint8Array, what: string, reason = 'InvalidIndex'): Result<string> {
  try {
    return ok(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    let at = 0;
    // Find the first bad byte for the message: decode growing prefixes is too slow; scan instead.
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      let good = len > 0 && i + len <= bytes.length;
      for (let k = 1; good && k < len; k++) good = (bytes[i + k]! & 0xc0) === 0x80;
      if (!good) {
        at = i;
        break;
      }
      i += len;
    }
    return fail(reason, `${what} is not UTF-8 text (invalid byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at})`);
  }
}
