/**
 * Marathon app ids are paths (`/prod/db/postgres`); Kubernetes names are DNS-1123 labels.
 * An id maps to an object name by joining its segments with dashes, which keeps the
 * group visible in `kubectl get` while the full id is kept on the object itself.
 */

/** Resolves a relative id (`../cache`, `cache`) against the group of `baseAppId`, as Marathon does. */
export function resolveAppId(id: string, baseAppId = '/'): string {
  const base = id.startsWith('/') ? [] : baseAppId.split('/').filter(Boolean).slice(0, -1);
  const out = [...base];
  for (const segment of id.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return '/' + out.join('/');
}

/** The Kubernetes object name for an absolute app id: `/prod/db/postgres` -> `prod-db-postgres`. */
export function objectNameForAppId(id: string): string {
  return resolveAppId(id).split('/').filter(Boolean).join('-');
}
