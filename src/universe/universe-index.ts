import { parseJson } from './json-location.ts';
import { packageFromDefinition, type UniversePackage } from './universe-package.ts';
import { fail, isJsonObject, ok, type JsonObject, type Result } from './universe-result.ts';

/** A repository read into memory, whatever it came from (index JSON or source tree). */
export interface RepositoryIndex {
  /** What DCOS_PACKAGE_SOURCE says: the URL, `configmap://ns/name/key` or `file:///dir`. */
  source: string;
  packages: UniversePackage[];
  /** Entries left out because they are broken; the rest of the repository still serves. */
  problems: string[];
}

/**
 * Reads a DC/OS repository index (`{"packages": [...]}`, any of the v3, v4 and v5 formats:
 * they differ only in which packaging versions the entries may have).
 */
export function parseRepositoryIndex(text: string, source: string): Result<RepositoryIndex> {
  const parsed = parseJson(text, `repository index ${source}`);
  if (!parsed.ok) return fail('InvalidIndex', parsed.error.message);
  const root = parsed.value;
  if (!isJsonObject(root) || !Array.isArray(root.packages)) {
    return fail('InvalidIndex', `repository index ${source}: expected an object with a "packages" array (the DC/OS repository format v3 to v5)`);
  }
  const packages: UniversePackage[] = [];
  const problems: string[] = [];
  root.packages.forEach((entry, index) => {
    const where = `packages[${index}]`;
    if (!isJsonObject(entry)) {
      problems.push(`${where}: expected an object`);
      return;
    }
    const pkg = packageFromDefinition(entry, where);
    if (pkg.ok) packages.push(pkg.value);
    else problems.push(pkg.error.message);
  });
  return ok({ source, packages, problems });
}

/** The index JSON of some packages, in the v4/v5 repository format (what a Universe server publishes). */
export function buildRepositoryIndex(packages: readonly UniversePackage[]): JsonObject {
  return { packages: packages.map((pkg) => pkg.definition) };
}
