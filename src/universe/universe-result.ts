/** JSON as it comes out of JSON.parse: package files, options and rendered apps are all this. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Why a Universe step failed, in a shape the controller can copy into a condition:
 * `reason` is CamelCase for programs, `message` tells a person what to change.
 */
export interface UniverseError {
  reason: string;
  message: string;
}

/** Failures are values so one broken package or index never takes the operator down. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: UniverseError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: string, message: string): Result<T> {
  return { ok: false, error: { reason, message } };
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
