import { fnv1a32 } from '../fnv1a.ts';
/* The Kubernetes name rules the translation must respect (apimachinery validation, in short). */

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A label or annotation key: an optional DNS subdomain prefix, then a name of at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value));
}

/** A container port name (IANA_SVC_NAME): at most 15 lowercase letters, digits and single dashes, with a letter. */
export function isPortName(s: string): boolean {
  return s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && /[a-z]/.test(s) && !s.includes('--');
}

/** A key of a Secret's data. */
export function isSecretKey(s: string): boolean {
  return s.length > 0 && s.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(s);
}

/** Turns any text into a DNS-1123 label fragment (lowercase, dashes), for derived object names. */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A Service name: lowercase letters, digits and '-', starting with a letter, at most 63 characters. */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}

/** A short, stable digest of a name (FNV-1a, 32 bits, base 36), to keep shortened names apart. */
function digest(s: string): string {
  return fnv1a32(s).toString(36).padStart(7, '0');
}

/**
 * The DNS-1035 label a child that must have one (a Service; a StatefulSet, whose pods' hostnames are
 * `<name>-<ordinal>`) takes for a DcosService named `name` (a DNS-1123 subdomain, which may hold dots
 * and start with a digit): `name` itself when it is one; else each character a label cannot hold
 * becomes '-' (`postgres9.5` -> `postgres9-5`) and a leading digit gets `svc-`; a result longer than
 * `max` is cut and ends with a digest of `name`, so two long names stay apart. Deterministic.
 */
export function dnsLabelName(name: string, max = 63): string {
  if (name.length <= max && isDns1035Label(name)) return name;
  let label = name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(label)) label = `svc-${label}`.replace(/-+$/, '');
  if (label.length <= max) return label;
  const tail = digest(name);
  return `${label.slice(0, max - tail.length - 1).replace(/-+$/, '')}-${tail}`;
}
