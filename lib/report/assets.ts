/**
 * The vega bundles the report inlines (UMD builds, so the page needs no network and no module loader).
 * Packages hide `build/` behind `exports`, so each is found from its entry point, walking up to its
 * package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name)
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package directory of ${name}`);
    dir = up;
  }
}

export interface Bundle {
  readonly name: string;
  readonly version: string;
  readonly code: string;
}

/** vega, vega-lite and vega-embed, minified, with `</script` made safe for inline use. */
export function vegaBundles(): Bundle[] {
  return [
    ['vega', 'build/vega.min.js'],
    ['vega-lite', 'build/vega-lite.min.js'],
    ['vega-embed', 'build/vega-embed.min.js'],
  ].map(([name, file]) => {
    const dir = packageDir(name!);
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
      .version;
    const code = readFileSync(join(dir, file!), 'utf8').replace(/<\/script/gi, '<\\/script');
    return { name: name!, version, code };
  });
}
