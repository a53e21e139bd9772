import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, cacheRoot } from './control-plane-versions.ts';

/**
 * The project's small Go helpers (tools/<name>: a Go module with its go.sum) built with the Go the
 * local control plane needs anyway, from the Go module proxy, into the cache beside the control plane
 * binaries. `go build` relinks only when a source or module changed, so calling this each time is cheap.
 */
export function buildGoTool(name: string): string {
  const out = join(cacheRoot(), 'tools', name);
  const dir = join(PROJECT_ROOT, 'tools', name);
  const built = spawnSync('go', ['build', '-trimpath', '-o', out, '.'], { cwd: dir, encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    const why = built.error ? built.error.message : built.stderr.trim();
    throw new Error(`could not build tools/${name} with Go (install Go 1.26 or newer, as the local cluster needs; a network error means the Go module proxy was unreachable): ${why}`);
  }
  return out;
}
