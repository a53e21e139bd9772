import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
import { STATUS_CODES } from 'node:http';
import { resourcePath, resourceType, type ResourceType } from './resource-types.ts';

export const FIELD_MANAGER = 'dcos-operator';

/** A Kubernetes object as the API returns it; the controllers narrow it where they read it. */
export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    finalizers?: string[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface KubeList<T> {
  metadata: { resourceVersion: string; continue?: string };
  items: T[];
}

/** A failed API call: the HTTP status and the apiserver's own message (which names the field for invalid objects). */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: unknown;
  constructor(status: number, reason: string, message: string, body: unknown) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}

type Query = Record<string, string | number | boolean | undefined>;

/** A write refused before it was sent: this process may no longer hold the lease that allowed it. */
export class FencedWriteError extends Error {
  constructor(method: string, path: string, reason: string) {
    super(`${method} ${path}: not sent, ${reason}`);
    this.name = 'FencedWriteError';
  }
}

export interface KubeClientOptions {
  /** Sent as User-Agent: the apiserver's audit log tells the operator's replicas apart by it. */
  userAgent?: string;
  /** Asked before every write (any verb but GET): a reason refuses it, undefined lets it go. */
  writeFence?: () => string | undefined;
}

/**
 * A small REST client over client-node's authentication: it speaks the few verbs the operator uses
 * (get, list, create, server-side apply, patch, delete, and the /status subresource) for any kind,
 * so controllers never need a generated API class per group.
 */
export class KubeClient {
  readonly config: KubeConfig;
  private readonly server: string;
  /**
   * client-node builds a new undici Agent (so a new TLS connection) for every request it
   * authenticates; the first one is kept and reused, so requests share keep-alive connections.
   */
  private dispatcher?: Dispatcher;
  private readonly opts: KubeClientOptions;

  constructor(config: KubeConfig, opts: KubeClientOptions = {}) {
    this.config = config;
    this.opts = opts;
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/$/, '');
  }

  static fromFile(path: string): KubeClient {
    const config = new KubeConfig();
    config.loadFromFile(path);
    return new KubeClient(config);
  }

  /** The same client, refusing writes whenever `fence` gives a reason (the leader's controllers write through it). */
  withWriteFence(fence: () => string | undefined): KubeClient {
    return new KubeClient(this.config, { ...this.opts, writeFence: fence });
  }

  async request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; contentType?: string; accept?: string; signal?: AbortSignal } = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.config.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: opts.accept ?? 'application/json' };
    if (this.opts.userAgent) headers['user-agent'] = this.opts.userAgent;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    this.dispatcher ??= ctx.getDispatcher() as Dispatcher | undefined;
    // Checked at the last moment before sending: after a pause (SIGSTOP, a frozen VM) the clock has jumped and the fence is shut.
    const refused = method !== 'GET' ? this.opts.writeFence?.() : undefined;
    if (refused) throw new FencedWriteError(method, path, refused);
    // undici's request, not fetch: fetch wraps every body in WHATWG streams, which was most of the
    // operator's own CPU in a bulk apply (and on 2 cores that CPU is the apiserver's).
    const res = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher: this.dispatcher, signal: opts.signal });
    const text = await res.body.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      const status = parsed as { reason?: string; message?: string } | undefined;
      throw new KubeApiError(res.statusCode, status?.reason ?? STATUS_CODES[res.statusCode] ?? String(res.statusCode), `${method} ${path}: ${res.statusCode} ${status?.message ?? text.slice(0, 500)}`, parsed);
    }
    return parsed as T;
  }

  typeOf(obj: { apiVersion?: string; kind?: string }): ResourceType {
    return resourceType(obj.apiVersion!, obj.kind!);
  }

  get<T extends KubeObjectLike>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T> {
    return this.request<T>('GET', resourcePath(resourceType(apiVersion, kind), namespace, name));
  }

  async getOrUndefined<T extends KubeObjectLike>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(apiVersion, kind, name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list<T extends KubeObjectLike>(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string; resourceVersion?: string; signal?: AbortSignal } = {}): Promise<KubeList<T>> {
    const { namespace, signal, ...query } = opts;
    return this.request<KubeList<T>>('GET', resourcePath(resourceType(apiVersion, kind), namespace), { query, signal });
  }

  create<T extends KubeObjectLike>(obj: T, opts: { dryRun?: boolean } = {}): Promise<T> {
    const path = resourcePath(this.typeOf(obj), obj.metadata.namespace);
    return this.request<T>('POST', path, { body: obj, query: { fieldManager: FIELD_MANAGER, dryRun: opts.dryRun ? 'All' : undefined } });
  }

  /** Server-side apply: the operator owns exactly the fields it sends, under one field manager. */
  apply<T extends KubeObjectLike>(obj: T, opts: { subresource?: 'status'; force?: boolean; dryRun?: boolean; fieldManager?: string } = {}): Promise<T> {
    const path = resourcePath(this.typeOf(obj), obj.metadata.namespace, obj.metadata.name, opts.subresource);
    return this.request<T>('PATCH', path, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      // Ignore: an apply patch with a field its type does not declare is refused by the apiserver's
      // typed conversion whatever this says; Strict and Warn only add a second, strict YAML parse
      // of every patch (duplicate keys, which JSON.stringify cannot write): ~5 % of its CPU per apply.
      query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ?? true, fieldValidation: 'Ignore', dryRun: opts.dryRun ? 'All' : undefined },
    });
  }

  /** PUT with the object's resourceVersion: fails with 409 if someone else wrote it first. */
  replace<T extends KubeObjectLike>(obj: T): Promise<T> {
    const path = resourcePath(this.typeOf(obj), obj.metadata.namespace, obj.metadata.name);
    return this.request<T>('PUT', path, { body: obj, query: { fieldManager: FIELD_MANAGER } });
  }

  patch<T extends KubeObjectLike>(apiVersion: string, kind: string, name: string, namespace: string | undefined, patch: unknown, type: 'merge' | 'json' = 'merge', subresource?: string): Promise<T> {
    const contentType = type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json';
    return this.request<T>('PATCH', resourcePath(resourceType(apiVersion, kind), namespace, name, subresource), { body: patch, contentType, query: { fieldManager: FIELD_MANAGER } });
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    try {
      await this.request('DELETE', resourcePath(resourceType(apiVersion, kind), namespace, name), { body: { propagationPolicy } });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
