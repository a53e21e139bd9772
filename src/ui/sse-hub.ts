/**
 * Server-sent events for the UI's pages. Each page is a topic; a topic's view is built once per
 * flush however many viewers it has, and only while someone views it. Changes are coalesced:
 * at most one message per topic per interval, and none when the view did not change.
 */
import type { Response } from 'express';

export interface Topic {
  /** The whole view, for a viewer that just arrived. */
  snapshot(): unknown;
  /** What changed since the last snapshot or update, or undefined when nothing did. */
  update(): unknown;
  /** Whether a change of this kind can change the view. */
  dependsOn(change: string): boolean;
}

export interface SseHubOptions {
  /** The shortest time between two messages of a topic. */
  minIntervalMs?: number;
  /** A comment this often keeps idle connections open through proxies. */
  keepAliveMs?: number;
  /** A viewer this far behind (bytes buffered) is dropped; its page reconnects and starts over. */
  maxBufferedBytes?: number;
}

interface Subscription {
  topic: Topic;
  clients: Set<Response>;
  dirty: boolean;
}

export class SseHub {
  private readonly topics = new Map<string, Subscription>();
  private readonly minIntervalMs: number;
  private readonly maxBufferedBytes: number;
  private readonly keepAlive: NodeJS.Timeout;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private closed = false;
  /** Messages written, for tests and the bench. */
  messages = 0;

  constructor(opts: SseHubOptions = {}) {
    this.minIntervalMs = opts.minIntervalMs ?? 500;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.keepAlive = setInterval(() => this.each((res) => res.write(': keep-alive\n\n')), opts.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  get viewers(): number {
    let n = 0;
    for (const s of this.topics.values()) n += s.clients.size;
    return n;
  }

  /** Starts the stream: headers, then the topic's snapshot. `make` builds the topic for its first viewer. */
  subscribe(name: string, res: Response, make: () => Topic): void {
    if (this.closed) {
      res.status(503).end();
      return;
    }
    let sub = this.topics.get(name);
    if (!sub) {
      sub = { topic: make(), clients: new Set(), dirty: false };
      this.topics.set(name, sub);
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx and the apiserver's proxy must not hold messages back.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.send(res, 'full', sub.topic.snapshot());
    sub.clients.add(res);
    const current = sub;
    res.on('close', () => {
      current.clients.delete(res);
      if (current.clients.size === 0 && this.topics.get(name) === current) this.topics.delete(name);
    });
  }

  /** The caches changed: the topics that depend on it are rebuilt at the next flush. */
  changed(change: string): void {
    let any = false;
    for (const sub of this.topics.values()) {
      if (!sub.dirty && sub.topic.dependsOn(change)) sub.dirty = true;
      any ||= sub.dirty;
    }
    if (any) this.schedule();
  }

  /** Ends every stream (the server is shutting down): an open stream would hold its close() forever. */
  close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.each((res) => res.end());
    this.topics.clear();
  }

  private schedule(): void {
    if (this.flushTimer || this.closed) return;
    const wait = Math.max(0, this.lastFlush + this.minIntervalMs - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
    this.flushTimer.unref();
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
    for (const sub of this.topics.values()) {
      if (!sub.dirty) continue;
      sub.dirty = false;
      const message = sub.topic.update();
      if (message === undefined) continue;
      const frame = frameOf('delta', message);
      for (const res of sub.clients) this.write(res, frame);
    }
  }

  private send(res: Response, event: string, data: unknown): void {
    this.write(res, frameOf(event, data));
  }

  private write(res: Response, frame: string): void {
    if (res.writableLength > this.maxBufferedBytes) {
      res.end();
      return;
    }
    res.write(frame);
    this.messages++;
  }

  private each(fn: (res: Response) => void): void {
    for (const sub of this.topics.values()) for (const res of sub.clients) fn(res);
  }
}

function frameOf(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
