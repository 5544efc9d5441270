/**
 * Builds a Go program of `lab/go/src/` offline with Debian's toolchain (golang-go): GOPATH mode, no
 * module proxy, only the standard library and /usr/share/gocode (golang-golang-x-sync-dev). The binary
 * and the build cache go to a directory under the system's temporary directory, never into the repo.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../model/resolve-params.js';

/** The lab's GOPATH root, `lab/go` of the repository. */
export const LAB_GOPATH = fileURLToPath(new URL('../../lab/go', import.meta.url));

/** Go's version line, or null when no `go` is installed. */
export function goVersion(): string | null {
  const r = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Go's environment for the lab: GOPATH mode, nothing downloaded, caches outside the repo. */
function goEnv(): { dir: string; env: NodeJS.ProcessEnv } {
  if (goVersion() === null) throw new InputError("lab: 'go' not found; install the Debian package golang-go");
  const dir = join(tmpdir(), 'outage-lab-go');
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${LAB_GOPATH}:/usr/share/gocode`,
      GOCACHE: join(dir, 'cache'),
      GOFLAGS: '',
      GOPROXY: 'off',
    },
  };
}

/** Build package `pkg` (e.g. 'portcost'); returns the binary's path. Throws InputError without Go. */
export function buildGoProgram(pkg: string): string {
  const { dir, env } = goEnv();
  const out = join(dir, pkg);
  const r = spawnSync('go', ['build', '-o', out, pkg], { encoding: 'utf8', timeout: 300_000, env });
  if (r.status !== 0)
    throw new Error(`go build ${pkg} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return out;
}

/** Run the Go tests of package `pkg`; returns whether they passed, and their output. */
export function testGoPackage(pkg: string): { ok: boolean; output: string } {
  const { env } = goEnv();
  const r = spawnSync('go', ['test', pkg], { encoding: 'utf8', timeout: 300_000, env });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}${r.error?.message ?? ''}`.trim() };
}
