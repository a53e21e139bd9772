import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { admissionReviewSchema, allow, deny, zodProblems, type AdmissionResponse } from './admission-review.ts';
import type { KindValidator } from './kind-validators.ts';
import { serviceDefaults } from './service-defaulting.ts';

/** The apiserver sends at most ~3 MiB objects; anything bigger is not an AdmissionReview. */
const BODY_LIMIT = '4mb';

export interface WebhookAppOptions {
  validators: Map<string, KindValidator>;
  log: Logger;
  onReview?: (webhook: string, allowed: boolean, seconds: number) => void;
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest', message });
}

/** Parses the AdmissionReview or answers 400 naming what is wrong with it. */
function review(req: Request, res: Response) {
  const parsed = admissionReviewSchema.safeParse(req.body);
  if (!parsed.success) {
    badRequest(res, `not an admission.k8s.io/v1 AdmissionReview: ${zodProblems('', parsed.error).slice(0, 5).map((p) => `${p.path || '<root>'}: ${p.message}`).join('; ')}`);
    return undefined;
  }
  return parsed.data.request;
}

export function createWebhookApp(opts: WebhookAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // The apiserver never revalidates an answer: hashing each one for an ETag is wasted time.
  app.disable('etag');
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: () => true }));

  const send = (res: Response, webhook: string, started: number, body: AdmissionResponse) => {
    opts.onReview?.(webhook, body.response.allowed, (performance.now() - started) / 1000);
    res.json(body);
  };

  app.post('/validate', async (req, res) => {
    const started = performance.now();
    const request = review(req, res);
    if (!request) return;
    const validator = opts.validators.get(request.kind.kind);
    if (!validator || request.operation === 'DELETE' || request.operation === 'CONNECT') return send(res, 'validate', started, allow(request.uid));
    try {
      const { problems, warnings } = await validator.judge(request.object);
      const name = request.name || (request.object as { metadata?: { name?: string } } | undefined)?.metadata?.name;
      if (problems.length > 0) {
        opts.log.info({ kind: request.kind.kind, name, namespace: request.namespace, problems: problems.length }, 'denied');
        return send(res, 'validate', started, deny(request.uid, request.kind.kind, name, problems));
      }
      // `kubectl apply` prints each as `Warning: spec.x: ...`.
      send(res, 'validate', started, allow(request.uid, { warnings: warnings.map((w) => `${w.path}: ${w.message}`) }));
    } catch (err) {
      // A bug in a rule must not let a bad object through, nor hide why it was refused.
      opts.log.error({ err, kind: request.kind.kind }, 'validation failed');
      send(res, 'validate', started, deny(request.uid, request.kind.kind, request.name, [{ path: '<root>', message: `the operator could not validate it: ${err instanceof Error ? err.message : String(err)}` }]));
    }
  });

  app.post('/mutate/dcosservices', (req, res) => {
    const started = performance.now();
    const request = review(req, res);
    if (!request) return;
    if (request.kind.kind !== 'DcosService' || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return send(res, 'mutate', started, allow(request.uid));
    const obj = request.object;
    try {
      const { patch, warnings } = typeof obj === 'object' && obj !== null ? serviceDefaults(obj as { spec?: unknown }) : { patch: [], warnings: [] };
      send(res, 'mutate', started, allow(request.uid, { patch, warnings }));
    } catch (err) {
      // Defaulting is best effort (failurePolicy Ignore): admit unchanged and let validation judge the object.
      opts.log.error({ err, kind: request.kind.kind }, 'defaulting failed');
      send(res, 'mutate', started, allow(request.uid, { warnings: [`Marathon defaults not applied: ${err instanceof Error ? err.message : String(err)}`] }));
    }
  });

  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') return badRequest(res, `request body larger than ${BODY_LIMIT}`);
    if (err.type === 'entity.parse.failed') return badRequest(res, `request body is not valid JSON: ${err.message}`);
    badRequest(res, err.message);
  });
  return app;
}
