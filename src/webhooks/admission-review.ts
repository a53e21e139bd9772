import { z } from 'zod';

/** The parts of an admission.k8s.io/v1 AdmissionReview request the webhooks read. */
export const admissionReviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.object({
    uid: z.string().min(1),
    kind: z.object({ group: z.string(), version: z.string(), kind: z.string() }),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    name: z.string().optional(),
    namespace: z.string().optional(),
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
    dryRun: z.boolean().optional(),
  }),
});
export type AdmissionReview = z.infer<typeof admissionReviewSchema>;
export type AdmissionRequest = AdmissionReview['request'];

export interface FieldProblem {
  path: string;
  message: string;
}

export interface AdmissionResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; reason: string; message: string; details?: { kind?: string; name?: string; causes: Array<{ field: string; message: string; reason: string }> } };
    patchType?: 'JSONPatch';
    patch?: string;
    warnings?: string[];
  };
}

const MAX_LISTED = 20;
const MAX_PATH = 256;
const MAX_MESSAGE = 512;
/** A path and a sentence; the apiserver truncates a warning at 256 characters and keeps about 4 KiB in all. */
const MAX_WARNING = 200;

/** Messages quote the offending value; a 100 KB value must not come back 40 times over. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/** A denial `kubectl apply` prints as: `<kind> "<name>" is invalid: spec.x: expected ..., got ...`. */
export function deny(uid: string, kind: string, name: string | undefined, allProblems: FieldProblem[]): AdmissionResponse {
  const problems = allProblems.map((p) => ({ path: clip(p.path, MAX_PATH), message: clip(p.message, MAX_MESSAGE) }));
  const shown = problems.slice(0, MAX_LISTED).map((p) => `${p.path}: ${p.message}`);
  if (problems.length > MAX_LISTED) shown.push(`... and ${problems.length - MAX_LISTED} more`);
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid,
      allowed: false,
      status: {
        code: 422,
        reason: 'Invalid',
        message: `${kind} ${JSON.stringify(clip(name ?? '', MAX_PATH))} is invalid: ${shown.join('; ')}`,
        // kind and name as the apiserver's own Invalid errors carry them: with causes, kubectl prints
        // `The <kind> "<name>" is invalid: <causes>` from details alone (else "The request is invalid").
        details: { kind, name: clip(name ?? '', MAX_PATH), causes: problems.slice(0, MAX_LISTED).map((p) => ({ field: p.path, message: p.message, reason: 'FieldValueInvalid' })) },
      },
    },
  };
}

export function allow(uid: string, extra: { patch?: unknown[]; warnings?: string[] } = {}): AdmissionResponse {
  const response: AdmissionResponse['response'] = { uid, allowed: true };
  if (extra.patch && extra.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(extra.patch)).toString('base64');
  }
  if (extra.warnings && extra.warnings.length > 0) {
    // The apiserver truncates longer warnings itself (with an ellipsis); say how many were left out.
    const shown = extra.warnings.slice(0, MAX_LISTED).map((w) => clip(w, MAX_WARNING));
    if (extra.warnings.length > MAX_LISTED) shown.push(`... and ${extra.warnings.length - MAX_LISTED} more warnings`);
    response.warnings = shown;
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** `spec.constraints[1][0]` from zod's path array. */
export function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

export function zodProblems(prefix: string, error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: fieldPath(prefix, issue.path), message: issue.message }));
}
