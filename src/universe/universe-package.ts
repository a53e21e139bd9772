import { z } from 'zod';
import { formatJsonPath } from './json-location.ts';
import { fail, ok, type JsonObject, type Result } from './universe-result.ts';

/**
 * One version of one package, as both an index entry and a source tree read into memory.
 * `definition` keeps the entry exactly as the repository format has it (template in base64),
 * because Cosmos labelled every app with it (DCOS_PACKAGE_DEFINITION).
 */
export interface UniversePackage {
  packagingVersion: string;
  name: string;
  version: string;
  releaseVersion: number;
  description: string;
  framework: boolean;
  preInstallNotes?: string;
  postInstallNotes?: string;
  postUninstallNotes?: string;
  /** The JSON Schema (draft-04) of the install options. */
  config?: JsonObject;
  resource?: JsonObject;
  /** The decoded marathon.json.mustache; absent for packages that only ship a CLI. */
  marathonTemplate?: string;
  definition: JsonObject;
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;

// Only what this operator relies on is checked; other fields pass through untouched so newer
// packaging versions still install.
const entrySchema = z.looseObject({
  packagingVersion: z.enum(['2.0', '3.0', '4.0', '5.0']),
  name: z.string().min(1),
  version: z.string().min(1),
  releaseVersion: z.number().int().min(0).optional(),
  description: z.string().optional(),
  framework: z.boolean().optional(),
  preInstallNotes: z.string().optional(),
  postInstallNotes: z.string().optional(),
  postUninstallNotes: z.string().optional(),
  marathon: z.looseObject({ v2AppMustacheTemplate: z.string().regex(base64Pattern, 'must be base64') }).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  resource: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Reads one repository entry (a v2 to v5 package definition). `where` prefixes every message,
 * e.g. `packages[3]` in an index or a package.json path in a source tree.
 */
export function packageFromDefinition(definition: JsonObject, where: string): Result<UniversePackage> {
  const parsed = entrySchema.safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = formatJsonPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
    return fail('InvalidPackage', `${where}${field ? (where ? '.' : '') + field : ''}: ${issue.message}`);
  }
  const entry = parsed.data;
  if (entry.releaseVersion === undefined && entry.packagingVersion !== '2.0') {
    return fail('InvalidPackage', `${where}: releaseVersion is required for packagingVersion ${entry.packagingVersion}`);
  }
  const pkg: UniversePackage = {
    packagingVersion: entry.packagingVersion,
    name: entry.name,
    version: entry.version,
    releaseVersion: entry.releaseVersion ?? 0,
    description: entry.description ?? '',
    framework: entry.framework ?? false,
    definition,
  };
  if (entry.preInstallNotes !== undefined) pkg.preInstallNotes = entry.preInstallNotes;
  if (entry.postInstallNotes !== undefined) pkg.postInstallNotes = entry.postInstallNotes;
  if (entry.postUninstallNotes !== undefined) pkg.postUninstallNotes = entry.postUninstallNotes;
  if (entry.config) pkg.config = entry.config as JsonObject;
  if (entry.resource) pkg.resource = entry.resource as JsonObject;
  if (entry.marathon) pkg.marathonTemplate = Buffer.from(entry.marathon.v2AppMustacheTemplate, 'base64').toString('utf8');
  return ok(pkg);
}

/** `nginx 1.10.3 (release 6)`: how messages name a package version. */
export function describePackage(pkg: Pick<UniversePackage, 'name' | 'version' | 'releaseVersion'>): string {
  return `${pkg.name} ${pkg.version} (release ${pkg.releaseVersion})`;
}
