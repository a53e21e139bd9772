/** A problem with one field of a DcosService, named by its path (`spec.constraints[1]`) for the webhook and status. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A warning about one field: read but without effect on Kubernetes, or mapped with a difference the
 * user should know. Admission returns it (`kubectl apply` prints `Warning: spec.x: ...`).
 */
export interface Notice {
  path: string;
  message: string;
}

/** What a JSON value is, for "expected ..., got ..." messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

