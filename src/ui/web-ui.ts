/**
 * The DC/OS web UI, served by the operator: mounted on its HTTP app at start (every replica),
 * fed by the leader's caches once they exist (attach), closed with the server (close ends the
 * live streams, which would otherwise hold the server open).
 */
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/kube-client.ts';
import { sampleOf } from './dashboard-view.ts';
import { History, SAMPLE_INTERVAL_MS } from './history.ts';
import { SseHub } from './sse-hub.ts';
import { cachedReviewer, kubeAccessReviewer, requireToken, type AccessReviewer, type UiAuthMode } from './ui-auth.ts';
import { mountUiRoutes } from './ui-routes.ts';
import type { UiSources } from './ui-sources.ts';
import { dashboardTopic, nodesTopic, servicesTopic, serviceTopic } from './ui-topics.ts';

export interface WebUiOptions {
  auth: UiAuthMode;
  client?: KubeClient;
  log: Logger;
  /** The shortest time between two live updates of a page. */
  minIntervalMs?: number;
  sampleIntervalMs?: number;
  /** Replaces the TokenReview / SubjectAccessReview pair (tests, the bench). */
  reviewer?: AccessReviewer;
}

export class WebUi {
  readonly hub: SseHub;
  readonly history = new History();
  private sources?: UiSources;
  private sampler?: NodeJS.Timeout;
  private readonly sampleIntervalMs: number;

  constructor(app: Express, opts: WebUiOptions) {
    this.hub = new SseHub({ minIntervalMs: opts.minIntervalMs ?? 500 });
    this.sampleIntervalMs = opts.sampleIntervalMs ?? SAMPLE_INTERVAL_MS;
    let guard;
    if (opts.auth === 'token') {
      const reviewer = opts.reviewer ?? (opts.client ? kubeAccessReviewer(opts.client) : undefined);
      if (!reviewer) throw new Error('ui auth "token" needs a Kubernetes client to review tokens');
      guard = requireToken(cachedReviewer(reviewer), (err) => opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ui: token review failed'));
    }
    mountUiRoutes(
      app,
      {
        unavailable: () => (this.sources ? undefined : 'This replica is standing by: the leader (the holder of the Lease) serves the UI. Port-forward to the leader pod.'),
        topic: (name) => {
          const sources = this.sources;
          if (!sources) return undefined;
          if (name === 'dashboard') return dashboardTopic(sources, this.history);
          if (name === 'services') return servicesTopic(sources);
          if (name === 'nodes') return nodesTopic(sources);
          const [, namespace, service] = name.split('/');
          return serviceTopic(sources, namespace!, service!);
        },
      },
      this.hub,
      guard,
    );
  }

  /** The caches are there: pages show data, live. */
  attach(sources: UiSources): void {
    this.sources = sources;
    sources.onChange((what) => this.hub.changed(what));
    const sample = () => {
      const s = sampleOf(sources.clusterStatus(), Date.now());
      if (!s) return;
      this.history.push(s);
      this.hub.changed('sample');
    };
    this.sampler = setInterval(sample, this.sampleIntervalMs);
    this.sampler.unref();
  }

  close(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.hub.close();
  }
}
