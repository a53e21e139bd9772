import { readdirSync, readFileSync } from 'node:fs';
import { objectNameForAppId, resolveAppId } from '../../src/marathon/app-id.ts';
import { isDns1123Subdomain, slug } from '../../src/marathon/kube-names.ts';
import { corpusPath } from './corpus-location.ts';

/*
 * The marathon-wild corpus (real app and group definitions from public repositories, see its
 * README), read in place: one entry per app, or per file that is not JSON at all. Ids of a group's
 * apps resolve inside the group, as Marathon resolved them.
 */

export interface WildApp {
  /** The corpus file. */
  file: string;
  /** The absolute app id (or the file name when the file has no app). */
  appId: string;
  /** The DcosService name: the conventional one for the id, or a slug of it when the id is no valid name. */
  name: string;
  /** The app definition as written, or undefined when the file is not JSON. */
  spec?: Record<string, unknown>;
  /** Why the file could not be read as JSON (Marathon's API refused such a body too). */
  notJson?: string;
  /** The ids of the other apps of the same file (dependencies may name them). */
  siblings: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function appsOf(node: Json, parent: string): Json[] {
  const raw = typeof node.id === 'string' ? node.id : '';
  const id = raw.startsWith('/') ? resolveAppId(raw) : resolveAppId(`${parent}/${raw}`);
  if (!Array.isArray(node.apps) && !Array.isArray(node.groups)) return [{ ...node, id }];
  return [...((node.apps as unknown[] | undefined) ?? []), ...((node.groups as unknown[] | undefined) ?? [])].filter(isObject).flatMap((child) => appsOf(child, id));
}

/** The DcosService name of an app id: objectNameForAppId, or a slug when that is no valid object name. */
export function wildName(appId: string): string {
  // Dots stay (`/postgres9.5` -> `postgres9.5`): the Service takes a derived name (see dnsLabelName).
  const name = objectNameForAppId(appId);
  return isDns1123Subdomain(name) ? name : slug(appId) || 'app';
}

export function marathonWildApps(): WildApp[] {
  const files = readdirSync(corpusPath('marathon-wild')).filter((f) => f.endsWith('.json')).sort();
  return files.flatMap((file): WildApp[] => {
    const text = readFileSync(corpusPath('marathon-wild', file), 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return [{ file, appId: file, name: wildName(file.replace(/\.json$/, '')), notJson: (err as Error).message, siblings: [] }];
    }
    if (!isObject(parsed)) return [{ file, appId: file, name: wildName(file), notJson: 'not a JSON object', siblings: [] }];
    // An app without an id takes the object's name, as every DcosService may.
    if (typeof parsed.id !== 'string' && !Array.isArray(parsed.apps) && !Array.isArray(parsed.groups)) {
      const name = wildName(file.replace(/^\d+-|\.json$/g, ''));
      return [{ file, appId: `/${name}`, name, spec: parsed, siblings: [`/${name}`] }];
    }
    const apps = appsOf(parsed, '/');
    const ids = apps.map((a) => String(a.id));
    return apps.map((spec) => ({ file, appId: String(spec.id), name: wildName(String(spec.id)), spec, siblings: ids }));
  });
}
