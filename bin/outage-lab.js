#!/usr/bin/env node
// Launcher: runs the compiled CLI from dist/ when it is up to date with lib/, else the TypeScript sources
// through tsx (so an edit to lib/ never runs against a stale build). OUTAGE_LAB_FROM_SOURCE=1 forces the
// sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const lib = fileURLToPath(new URL('../lib', import.meta.url));

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const t = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function distIsCurrent() {
  if (!existsSync(dist) || process.env.OUTAGE_LAB_FROM_SOURCE === '1') return false;
  return !existsSync(lib) || statSync(dist).mtimeMs >= newestMtimeMs(lib);
}

let mod;
if (distIsCurrent()) {
  mod = await import(dist);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../lib/cli/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv.slice(2));
