/** A problem with one field of a DcosService, named by its path (`spec.constraints[1]`) for the webhook and status. */
export interface FieldError {
  path: string;
  message: string;
}

/** A field that was read but has no effect on Kubernetes, with the reason; shown to the user as a warning or Event. */
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

/** Drops repeated errors (the same rule can be reached from validation and translation). */
export function uniqueErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
