#!/usr/bin/env node
// Launcher: runs the compiled CLI from dist/ when it exists, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let mod;
if (existsSync(dist) && process.env.OUTAGE_LAB_FROM_SOURCE !== '1') {
  mod = await import(dist);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../lib/cli/main.ts', import.meta.url).href);
}
process.exitCode = await mod.main(process.argv.slice(2));
