import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import { isConflict } from '../kube/kube-client.ts';
import { Controller } from '../controllers/runtime/controller.ts';
import { EventRecorder } from '../controllers/runtime/event-recorder.ts';
import { InformerFactory } from '../controllers/runtime/informer.ts';
import { createWebhookApp } from '../webhooks/webhook-app.ts';
import { kindValidators } from '../webhooks/kind-validators.ts';
import { ensureServingCertificate, publishCaBundle, type ServingCertificate } from '../webhooks/webhook-certificates.ts';
import { webhookConfigurations, WEBHOOK_CONFIGURATION_NAME } from '../webhooks/webhook-configurations.ts';
import { WebhookServer } from '../webhooks/webhook-server.ts';
import { createHealthApp, listen } from './health-server.ts';
import { ServerShutdown } from './server-shutdown.ts';
import { pollRepositories } from '../controllers/dcos-package-repository-poller.ts';
import { packageOptionsRule } from '../controllers/dcos-package-options-rule.ts';
import { installCrds } from './install-crds.ts';
import { LeaderElector } from './leader-election.ts';
import { registry, webhookDuration } from './metrics.ts';
import type { OperatorConfig } from './operator-config.ts';
import type { Express } from 'express';
import { WebUi } from '../ui/web-ui.ts';
import { advertisedHttpAddress, forwardToLeader, LEADER_HTTP_ANNOTATION } from './leader-forward.ts';
import { informerSources } from '../ui/informer-sources.ts';
import type { LedgerView } from '../ui/ui-sources.ts';
import { uiAuthMode } from './ui-auth-mode.ts';

/** What each controller is built from. */
export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  events: EventRecorder;
  log: Logger;
  config: OperatorConfig;
  /** The accounting ledger's read side, for the web UI's Nodes page. */
  provideLedger?: (ledger: LedgerView) => void;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller | Promise<Controller>;

const CERT_CHECK_MS = 60 * 60_000;
/**
 * How long stop() waits for reconciles in flight: they take milliseconds, but one reading a slow
 * repository URL can take its whole fetch timeout (30 s), and a kubelet's grace period is 30 s.
 */
const RECONCILE_GRACE_MS = 5_000;
/** How long stop() lets HTTP requests in flight (webhook reviews, scrapes) finish before cutting connections. */
const HTTP_GRACE_MS = 2_000;

/** Resolves true when `work` settles within `ms`, false when the time ran out first. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([work.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return done;
}

/**
 * One operator process: webhooks, metrics and health on every replica; the controllers only on
 * the leader. stop() finishes in-flight work, releases the lease and closes the servers.
 */
export class Operator {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly config: OperatorConfig;
  private readonly factories: ControllerFactory[];
  private readonly informers: InformerFactory;
  private controllers: Controller[] = [];
  private healthServer?: Server;
  private healthShutdown?: ServerShutdown;
  private stopped?: Promise<void>;
  private webhookServer?: WebhookServer;
  private elector?: LeaderElector;
  private certTimer?: NodeJS.Timeout;
  private stopRepositoryPoller?: () => void;
  private synced = false;
  private webhooksUp = false;
  private stopping = false;
  /** /metrics, /healthz, /readyz; src/operator-main.ts adds the read-only API (cluster-api-routes.ts). */
  readonly httpApp: Express;
  /** The web UI under /ui/ of the metrics port; undefined when turned off. */
  readonly ui?: WebUi;
  /** Ports actually bound (0 in the config picks a free one). */
  readonly ports = { metrics: 0, webhook: 0 };

  constructor(client: KubeClient, log: Logger, config: OperatorConfig, factories: ControllerFactory[]) {
    this.client = client;
    this.log = log;
    this.config = config;
    this.factories = factories;
    this.informers = new InformerFactory(client, log);
    this.httpApp = createHealthApp(registry, {
      live: () => true,
      ready: () => {
        if (this.config.webhookMode !== 'off' && !this.webhooksUp) return { ok: false, reason: 'webhooks not serving yet' };
        if (this.elector?.isLeader && !this.synced) return { ok: false, reason: 'caches not synced yet' };
        return { ok: true };
      },
    });
    // Before the UI's and the API's routes: a standby passes their requests on to the leader.
    this.httpApp.use(
      ['/ui/api', '/api/v1'],
      forwardToLeader({ serving: () => this.isLeader, leaderAddress: () => this.elector?.holderAnnotation(LEADER_HTTP_ANNOTATION), identity: config.identity, log: log.child({ component: 'leader-forward' }) }),
    );
    const auth = uiAuthMode(config);
    if (auth !== 'off') this.ui = new WebUi(this.httpApp, { auth, client, log: log.child({ component: 'ui' }) });
  }

  get isLeader(): boolean {
    return this.elector?.isLeader ?? !this.config.leaderElect;
  }

  async start(): Promise<void> {
    if (this.config.installCrds) await installCrds(this.client, this.log);
    this.healthServer = await listen(this.httpApp, this.config.metricsPort, this.config.metricsHost);
    this.healthShutdown = new ServerShutdown(this.healthServer);
    this.ports.metrics = (this.healthServer.address() as { port: number }).port;
    this.log.info({ port: this.ports.metrics }, 'serving /metrics, /healthz and /readyz');
    if (this.config.webhookMode !== 'off') await this.startWebhooks();

    if (this.config.leaderElect) {
      this.elector = new LeaderElector(this.client, this.log, {
        namespace: this.config.namespace,
        name: this.config.leaseName,
        identity: this.config.identity,
        holderAnnotations: { [LEADER_HTTP_ANNOTATION]: advertisedHttpAddress(this.config.metricsHost, this.ports.metrics, this.config.podIp) },
        leaseDurationMs: this.config.leaseDurationSeconds * 1000,
        renewDeadlineMs: this.config.renewDeadlineSeconds * 1000,
        retryPeriodMs: this.config.retryPeriodSeconds * 1000,
      });
      // Waiting for the lease must not hold up start(): webhooks already serve on every replica.
      void this.elector.acquire(() => this.onLostLease()).then(() => (this.stopping ? undefined : this.startControllers()));
    } else {
      await this.startControllers();
    }
  }

  /** Resolves once this replica leads and its caches are synced. */
  async waitUntilLeading(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.isLeader && this.synced)) {
      if (Date.now() > deadline) throw new Error('did not become a synced leader in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async startControllers(): Promise<void> {
    const client = this.leaderWrites();
    // Events wait while any controller has changes queued: they report work, they should not slow it.
    const events = new EventRecorder(client, this.log, { holdWhile: () => this.controllers.some((c) => c.queue.hasNormalWork) });
    let ledger: LedgerView | undefined;
    const ctx: ControllerContext = { client, informers: this.informers, events, log: this.log, config: this.config, provideLedger: (l) => (ledger = l) };
    for (const factory of this.factories) this.controllers.push(await factory(ctx));
    // The UI reads the caches the controllers just asked for; its handlers see every object from the first list.
    this.ui?.attach(informerSources(ctx, () => ledger));
    this.informers.startAll();
    await this.informers.waitForSync();
    // Stopped while the caches filled: starting workers now would race the shutdown.
    if (this.stopping) return;
    this.synced = true;
    for (const c of this.controllers) c.start();
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, 'caches synced; controllers running');
  }

  /**
   * The client the controllers and their events write through: with leader election, a write is
   * refused (the reconcile fails and is requeued) once the lease is no longer certain, e.g. at the
   * first moment after a pause longer than the renew deadline, before the renew loop finds the
   * lease gone and exits. Webhook and certificate writes, done by every replica, go without.
   */
  private leaderWrites(): KubeClient {
    const elector = this.elector;
    if (!elector) return this.client;
    return this.client.withWriteFence(() => (elector.isLeaderNow() ? undefined : `the Lease was not renewed within ${this.config.renewDeadlineSeconds} s: another replica may lead`));
  }

  private onLostLease(): void {
    // Another replica may already act: stop at once rather than race it. The Deployment restarts us.
    this.log.error('leadership lost; exiting');
    process.exit(1);
  }

  private async startWebhooks(): Promise<void> {
    const local = this.config.webhookMode === 'url';
    if (local) await this.ensureNamespace(this.config.namespace);
    const cert = await this.servingCertificate();
    // Webhooks run on every replica, before and without leadership: they read the repositories themselves.
    const repositories = pollRepositories(this.client, this.log.child({ component: 'webhook-repositories' }));
    this.stopRepositoryPoller = repositories.stop;
    const validators = kindValidators({ DcosPackage: [packageOptionsRule(repositories.catalog)] }, { defaultImage: this.config.defaultImage });
    const app = createWebhookApp({
      validators,
      log: this.log.child({ component: 'webhooks' }),
      onReview: (webhook, allowed, seconds) => webhookDuration.observe({ webhook, allowed: String(allowed) }, seconds),
    });
    this.webhookServer = new WebhookServer(app, cert);
    this.ports.webhook = await this.webhookServer.listen(this.config.webhookPort, local ? '127.0.0.1' : this.config.webhookHost);
    await this.registerWebhooks(cert);
    this.webhooksUp = true;
    this.log.info({ port: this.ports.webhook, mode: this.config.webhookMode }, 'admission webhooks serving');
    this.certTimer = setInterval(() => void this.rotateCertificate(), CERT_CHECK_MS);
    this.certTimer.unref();
  }

  private servingCertificate(): Promise<ServingCertificate> {
    const svc = this.config.webhookServiceName;
    const ns = this.config.namespace;
    const local = this.config.webhookMode === 'url';
    return ensureServingCertificate(
      this.client,
      {
        namespace: ns,
        // Outside the cluster each process serves on 127.0.0.1 and registers itself; keep its certificate apart.
        secretName: local ? `${this.config.webhookSecretName}-local` : this.config.webhookSecretName,
        dnsNames: local ? ['localhost'] : [`${svc}.${ns}.svc`, `${svc}.${ns}.svc.cluster.local`],
        ipAddresses: local ? ['127.0.0.1'] : undefined,
      },
      this.log,
    );
  }

  private async registerWebhooks(cert: ServingCertificate): Promise<void> {
    if (this.config.webhookMode === 'url') {
      const caBundle = Buffer.from(cert.caPem).toString('base64');
      for (const config of webhookConfigurations({ url: `https://127.0.0.1:${this.ports.webhook}` }, caBundle)) {
        await this.client.apply(config as KubeObjectLike);
      }
    } else {
      await publishCaBundle(this.client, cert.caPem, this.log);
    }
  }

  private async rotateCertificate(): Promise<void> {
    try {
      const cert = await this.servingCertificate();
      this.webhookServer?.useCertificate(cert);
      await this.registerWebhooks(cert);
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'certificate check failed; will retry');
    }
  }

  private async ensureNamespace(name: string): Promise<void> {
    try {
      await this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  /**
   * Finishes in-flight reconciles (up to RECONCILE_GRACE_MS), releases the lease, removes what this
   * process registered, and closes the servers without waiting on idle connections. Calling it again
   * returns the same promise.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    const t0 = Date.now();
    this.stopping = true;
    this.log.info('stopping: finishing in-flight work');
    if (this.certTimer) clearInterval(this.certTimer);
    this.stopRepositoryPoller?.();
    const finished = await within(Promise.all(this.controllers.map((c) => c.stop())), RECONCILE_GRACE_MS);
    if (!finished) this.log.warn({ graceSeconds: RECONCILE_GRACE_MS / 1000 }, 'reconciles still running after the grace period; stopping without them (the next leader redoes them)');
    this.informers.stopAll();
    await this.elector?.release();
    if (this.config.webhookMode === 'url') {
      // URL webhooks point at this very process: left behind, they would refuse every dcos write.
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
        await this.client.delete('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME).catch(() => false);
      }
    }
    // Live UI streams never end by themselves: end them, or closing the server would wait for them.
    this.ui?.close();
    const [webhooks, health] = await Promise.all([this.webhookServer?.close(HTTP_GRACE_MS), this.healthShutdown?.close(HTTP_GRACE_MS)]);
    this.log.info({ seconds: (Date.now() - t0) / 1000, connectionsCut: (webhooks?.connectionsCut ?? 0) + (health?.connectionsCut ?? 0) }, 'stopped');
  }
}
