/**
 * Who may read the UI's data when it is exposed: a bearer token the apiserver knows (TokenReview)
 * whose user may `get dcosclusters` (SubjectAccessReview), the same right `kubectl get dcl` needs.
 * Answers are cached briefly per token, so a page's live stream and refreshes are not a review each.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { KubeClient } from '../kube/kube-client.ts';

export type UiAuthMode = 'token' | 'none';

export interface AccessDecision {
  allowed: boolean;
  /** 401: no or unknown token; 403: a user without the right. */
  status: 200 | 401 | 403;
  user?: string;
  message: string;
}

export type AccessReviewer = (token: string) => Promise<AccessDecision>;

interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

/** The right the UI asks for: what `kubectl get dcosclusters default` needs. */
export const UI_ACCESS = { group: 'dcos.dev', resource: 'dcosclusters', verb: 'get', name: 'default' } as const;

export function kubeAccessReviewer(client: KubeClient): AccessReviewer {
  return async (token) => {
    const review = await client.request<{ status?: TokenReviewStatus }>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const user = review.status?.user;
    if (!review.status?.authenticated || !user?.username) {
      return { allowed: false, status: 401, message: `the token was not accepted${review.status?.error ? `: ${review.status.error}` : ''}` };
    }
    const access = await client.request<{ status?: { allowed?: boolean; reason?: string } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes: UI_ACCESS },
      },
    });
    if (!access.status?.allowed) {
      return { allowed: false, status: 403, user: user.username, message: `${user.username} may not get dcosclusters (the UI needs it)${access.status?.reason ? `: ${access.status.reason}` : ''}` };
    }
    return { allowed: true, status: 200, user: user.username, message: 'allowed' };
  };
}

export interface CachedReviewerOptions {
  allowedTtlMs?: number;
  refusedTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/** Remembers decisions by a hash of the token (never the token itself). */
export function cachedReviewer(review: AccessReviewer, opts: CachedReviewerOptions = {}): AccessReviewer {
  const allowedTtl = opts.allowedTtlMs ?? 60_000;
  const refusedTtl = opts.refusedTtlMs ?? 5_000;
  const maxEntries = opts.maxEntries ?? 1000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { decision: AccessDecision; until: number }>();
  return async (token) => {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.decision;
    const decision = await review(token);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, { decision, until: now() + (decision.allowed ? allowedTtl : refusedTtl) });
    return decision;
  };
}

/**
 * The page sends its token in this header: the apiserver's proxy (and `kubectl proxy`) authenticate
 * the user themselves and drop or replace Authorization, but pass other headers on.
 */
export const UI_TOKEN_HEADER = 'x-dcos-ui-token';

/** `Authorization: Bearer <token>` (curl, scripts) or the page's own header. */
export function bearerToken(req: Request): string | undefined {
  const own = req.headers[UI_TOKEN_HEADER];
  if (typeof own === 'string' && own.trim()) return own.trim();
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/** Express middleware: the request goes on only with a token the reviewer allows. */
export function requireToken(review: AccessReviewer, onError: (err: unknown) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    if (!token) {
      res.status(401).set('www-authenticate', 'Bearer realm="dcos-operator"').json({ message: 'a bearer token is required (Authorization: Bearer <token>; kubectl create token <service-account> makes one)' });
      return;
    }
    review(token).then(
      (d) => {
        if (d.allowed) return next();
        if (d.status === 401) res.set('www-authenticate', 'Bearer realm="dcos-operator", error="invalid_token"');
        res.status(d.status).json({ message: d.message });
      },
      (err: unknown) => {
        onError(err);
        res.status(503).json({ message: 'the token cannot be checked right now (the apiserver did not answer); try again' });
      },
    );
  };
}
