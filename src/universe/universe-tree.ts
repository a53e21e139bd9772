import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseJson } from './json-location.ts';
import type { RepositoryIndex } from './universe-index.ts';
import { packageFromDefinition, type UniversePackage } from './universe-package.ts';
import { fail, isJsonObject, ok, type JsonObject, type Result } from './universe-result.ts';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function subdirectories(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function jsonObjectOf(text: string | undefined, path: string): Result<JsonObject | undefined> {
  if (text === undefined) return ok(undefined);
  const parsed = parseJson(text, path);
  if (!parsed.ok) return parsed;
  if (!isJsonObject(parsed.value)) return fail('InvalidPackage', `${path}: expected a JSON object`);
  return ok(parsed.value);
}

/** The files of one package version directory, by name; absent files are undefined. */
export type PackageFiles = (file: 'package.json' | 'config.json' | 'resource.json' | 'command.json' | 'marathon.json.mustache') => string | undefined;

/**
 * One package version directory (`<name>/<releaseVersion>/`), wherever its files come from (a
 * disk, an archive), as the same definition an index entry would hold, so everything after
 * reading does not care where a package came from. `dir` names it in messages.
 */
export function packageFromFiles(dir: string, releaseVersion: number, files: PackageFiles): Result<UniversePackage> {
  const packageJsonPath = join(dir, 'package.json');
  const metadata = jsonObjectOf(files('package.json'), packageJsonPath);
  if (!metadata.ok) return metadata;
  if (!metadata.value) return fail('InvalidPackage', `${packageJsonPath}: missing`);
  const definition: JsonObject = { ...metadata.value, releaseVersion };
  const template = files('marathon.json.mustache');
  if (template !== undefined) definition.marathon = { v2AppMustacheTemplate: Buffer.from(template, 'utf8').toString('base64') };
  for (const file of ['config', 'resource', 'command'] as const) {
    const content = jsonObjectOf(files(`${file}.json`), join(dir, `${file}.json`));
    if (!content.ok) return content;
    if (content.value) definition[file] = content.value;
  }
  return packageFromDefinition(definition, packageJsonPath);
}

/** Reads one package version directory from disk. */
export async function readPackageDirectory(dir: string, releaseVersion: number): Promise<Result<UniversePackage>> {
  const names = ['package.json', 'config.json', 'resource.json', 'command.json', 'marathon.json.mustache'] as const;
  const texts = new Map<string, string | undefined>();
  for (const name of names) texts.set(name, await readOptional(join(dir, name)));
  return packageFromFiles(dir, releaseVersion, (name) => texts.get(name));
}

/** A release directory is named by its releaseVersion (0, 1, 2, ...). */
export const RELEASE_DIRECTORY = /^(?:0|[1-9]\d*)$/;

/**
 * Reads a Universe source tree: `<dir>/<Letter>/<name>/<releaseVersion>/`. `dir` may also be a
 * Universe checkout or its `repo/`, whose `packages/` is then used.
 */
export async function readUniverseTree(dir: string): Promise<Result<RepositoryIndex>> {
  let root = resolve(dir);
  for (const candidate of [join(root, 'packages'), join(root, 'repo', 'packages')]) {
    if (await isDirectory(candidate)) {
      root = candidate;
      break;
    }
  }
  if (!(await isDirectory(root))) return fail('RepositoryUnreadable', `${root} is not a readable directory`);
  const packages: UniversePackage[] = [];
  const problems: string[] = [];
  try {
    for (const letter of await subdirectories(root)) {
      for (const name of await subdirectories(join(root, letter))) {
        for (const release of await subdirectories(join(root, letter, name))) {
          const versionDir = join(root, letter, name, release);
          if (!RELEASE_DIRECTORY.test(release)) {
            problems.push(`${versionDir}: a release directory must be named by its releaseVersion (0, 1, 2, ...)`);
            continue;
          }
          const pkg = await readPackageDirectory(versionDir, Number(release));
          if (pkg.ok) packages.push(pkg.value);
          else problems.push(pkg.error.message);
        }
      }
    }
  } catch (error) {
    return fail('RepositoryUnreadable', `reading ${root}: ${(error as Error).message}`);
  }
  return ok({ source: pathToFileURL(root).href, packages, problems });
}
