import { posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { decodeUtf8, mib, type BodyConsumer, type RepositoryLimits } from './repository-fetch.ts';
import type { RepositoryIndex } from './universe-index.ts';
import type { UniversePackage } from './universe-package.ts';
import { fail, ok, type Result } from './universe-result.ts';
import { packageFromFiles, RELEASE_DIRECTORY, type PackageFiles } from './universe-tree.ts';

/**
 * A Universe repository as it is published: the `.tar.gz` of a branch or tag of a Git repository
 * (GitHub's `/archive/refs/heads/version-3.x.tar.gz` of mesosphere/universe), holding
 * `<top>/repo/packages/<Letter>/<name>/<releaseVersion>/...`. Read while it streams, in memory:
 * nothing is written to disk, only the package files are kept, and an archive that names a path
 * outside its folder or links out of it is refused as a whole (it was not made by `git archive`).
 */

const PACKAGE_FILES = new Set(['package.json', 'config.json', 'resource.json', 'command.json', 'marathon.json.mustache']);
// Where the packages can be: <top>/repo/packages, repo/packages, <top>/packages, packages (best first).
const LAYOUT = /^((?:[^/]+\/)?(?:repo\/)?packages\/)([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/;

function rootRank(root: string): number {
  const parts = root.split('/').filter(Boolean);
  return (parts.includes('repo') ? 0 : 2) + (parts.length > (parts.includes('repo') ? 2 : 1) ? 0 : 1);
}

/** A path an archive entry may have: relative, and never above the archive's own folder. */
function unsafePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..');
}

export interface ArchiveReader extends BodyConsumer {
  finish(): Promise<Result<RepositoryIndex>>;
}

/** Reads a (gzipped) tar archive of a Universe checkout, fed chunk by chunk. `source` names it. */
export function universeArchiveReader(source: string, limits: RepositoryLimits): ArchiveReader {
  const files = new Map<string, Uint8Array>();
  let problem: string | undefined;
  let compressed = 0;
  let unpacked = 0;
  let entries = 0;
  const refuse = (message: string) => {
    problem ??= message;
  };

  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      entries++;
      unpacked += entry.size ?? 0;
      const path = entry.path.replace(/^\.\//, '');
      if (entries > limits.maxEntries) refuse(`the archive has more than ${limits.maxEntries} entries`);
      else if (unpacked > limits.maxUnpackedBytes) refuse(`the archive unpacks to more than ${mib(limits.maxUnpackedBytes)}`);
      else if (unsafePath(path)) refuse(`the archive entry ${JSON.stringify(entry.path)} points outside the archive's folder`);
      else if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        const target = entry.linkpath ?? '';
        const resolved = entry.type === 'Link' ? target : posix.join(posix.dirname(path), target);
        if (target.startsWith('/') || unsafePath(posix.normalize(resolved)) || posix.normalize(resolved).startsWith('..')) {
          refuse(`the archive entry ${JSON.stringify(entry.path)} links outside the archive's folder (to ${JSON.stringify(target)})`);
        }
      }
      const match = LAYOUT.exec(path);
      if (problem !== undefined || entry.type !== 'File' || !match || !PACKAGE_FILES.has(match[5]!)) {
        entry.resume();
        return;
      }
      if ((entry.size ?? 0) > limits.maxFileBytes) {
        refuse(`the archive entry ${path} is larger than the limit of ${mib(limits.maxFileBytes)} for a package file`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(path, Buffer.concat(chunks)));
    },
  });
  parser.on('error', (error: Error) => refuse(`not a readable .tar.gz: ${error.message}`));
  parser.on('warn', (_code: string, message: string | Error) => refuse(`not a readable .tar.gz: ${typeof message === 'string' ? message : message.message}`));
  const ended = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('close', resolve);
    parser.on('abort', resolve);
  });

  const failure = () => fail<never>('InvalidArchive', `${source}: ${problem}`);

  return {
    async chunk(bytes) {
      compressed += bytes.byteLength;
      if (compressed > limits.maxArchiveBytes) refuse(`the archive is larger than the limit of ${mib(limits.maxArchiveBytes)}`);
      if (problem !== undefined) return failure();
      if (!parser.write(Buffer.from(bytes))) await new Promise<void>((resolve) => parser.once('drain', resolve));
      return problem !== undefined ? failure() : ok(undefined);
    },
    async finish() {
      if (problem === undefined) {
        parser.end();
        await ended;
      }
      if (problem !== undefined) return failure();
      return packagesOf(source, files);
    },
  };
}

/** The package version directories of the best packages root found, read as a source tree is. */
function packagesOf(source: string, files: Map<string, Uint8Array>): Result<RepositoryIndex> {
  const roots = new Set<string>();
  for (const path of files.keys()) roots.add(LAYOUT.exec(path)![1]!);
  const root = [...roots].sort((a, b) => rootRank(a) - rootRank(b) || a.localeCompare(b))[0];
  if (root === undefined) {
    return fail('InvalidArchive', `${source}: no Universe packages in the archive (expected <top>/repo/packages/<Letter>/<name>/<releaseVersion>/package.json, as in a Universe checkout)`);
  }
  const versions = new Map<string, Map<string, Uint8Array>>();
  for (const [path, bytes] of files) {
    const m = LAYOUT.exec(path)!;
    if (m[1] !== root) continue;
    const dir = `${m[2]}/${m[3]}/${m[4]}`;
    if (!versions.has(dir)) versions.set(dir, new Map());
    versions.get(dir)!.set(m[5]!, bytes);
  }
  const packages: UniversePackage[] = [];
  const problems: string[] = [];
  for (const dir of [...versions.keys()].sort()) {
    const release = dir.split('/')[2]!;
    const where = `${root}${dir}`;
    if (!RELEASE_DIRECTORY.test(release)) {
      problems.push(`${where}: a release directory must be named by its releaseVersion (0, 1, 2, ...)`);
      continue;
    }
    const texts = new Map<string, string>();
    let bad: string | undefined;
    for (const [name, bytes] of versions.get(dir)!) {
      const text = decodeUtf8(bytes, `${where}/${name}`, 'InvalidPackage');
      if (text.ok) texts.set(name, text.value);
      else bad ??= text.error.message;
    }
    if (bad !== undefined) {
      problems.push(bad);
      continue;
    }
    const read: PackageFiles = (name) => texts.get(name);
    const pkg = packageFromFiles(where, Number(release), read);
    if (pkg.ok) packages.push(pkg.value);
    else problems.push(pkg.error.message);
  }
  return ok({ source, packages, problems });
}
