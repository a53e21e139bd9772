import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENT_BUILDS, PROJECT_ROOT, binDir, type ComponentBuild } from './control-plane-versions.ts';
import { ClusterError, tail } from './cluster-error.ts';

const MARKER = '.built';

function isBuilt(build: ComponentBuild): boolean {
  const dir = binDir(build);
  return existsSync(join(dir, MARKER)) && Object.values(build.packages).every((bin) => existsSync(join(dir, bin)));
}

function requireGo(): string {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new ClusterError(
      'check Go',
      'the Go toolchain is not on PATH, and the local control plane is built from source with it',
      'install Go 1.26 or newer (e.g. `apt-get install golang-go` or your package manager), or set KUBECONFIG to use an existing cluster instead',
    );
  }
  return probe.stdout.trim();
}

function runGoBuild(build: ComponentBuild, log: string): Promise<void> {
  const dir = binDir(build);
  const args = ['build', '-trimpath', '-ldflags=-s -w', '-o', dir + '/', ...Object.keys(build.packages)];
  const out = createWriteStream(log);
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd: join(PROJECT_ROOT, build.moduleDir), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GOFLAGS: '-mod=mod' } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => {
      out.end();
      if (code === 0) resolve();
      else reject(new ClusterError(`build ${build.name} ${build.version}`, `go build exited with ${code}:\n${tail(readFileSync(log, 'utf8'), 25)}`, `read ${log}; a network error means the Go module proxy was unreachable (GOPROXY), try again`));
    });
  });
}

export interface BuildReport {
  built: string[];
  cached: string[];
  seconds: number;
}

/** Builds whatever component is missing from the cache; a warm cache costs nothing. */
export async function ensureControlPlaneBinaries(say: (line: string) => void = console.log): Promise<BuildReport> {
  const started = Date.now();
  const report: BuildReport = { built: [], cached: [], seconds: 0 };
  const missing = COMPONENT_BUILDS.filter((b) => !isBuilt(b));
  if (missing.length > 0) say(`using ${requireGo()}`);
  for (const build of COMPONENT_BUILDS) {
    if (!missing.includes(build)) {
      report.cached.push(`${build.name} ${build.version}`);
      continue;
    }
    const dir = binDir(build);
    mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    say(`building ${build.name} ${build.version} into ${dir} (once per machine; the first build of kubernetes takes a while on 2 cores)`);
    await runGoBuild(build, join(dir, '..', 'build.log'));
    writeFileSync(join(dir, MARKER), new Date().toISOString() + '\n');
    say(`built ${build.name} ${build.version} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    report.built.push(`${build.name} ${build.version}`);
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
