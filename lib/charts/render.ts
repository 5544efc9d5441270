/**
 * Server-side rendering of vega-lite specs: SVG with vega's headless renderer (no canvas: text widths are
 * estimated), PNG through resvg with the system's DejaVu fonts. vega and vega-lite are loaded lazily with
 * `import()`: they cannot be `require()`d (vega-canvas has a top-level await), and notebooks load this
 * library through `require()`.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * Render to SVG. vega numbers its clip paths and gradients from a process-wide counter, so the same spec
 * would give different ids depending on what was rendered before: ids are renamed in order of appearance
 * to `<idPrefix>-<n>`, which makes the output a function of the spec alone (and, with distinct prefixes,
 * keeps ids unique when several charts share a page).
 */
export async function toSvg(spec: TopLevelSpec, idPrefix = 'vg'): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return renameIds(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}

export function renameIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!ids.has(m[1]!)) ids.set(m[1]!, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg
    .replace(/\sid="([^"]+)"/g, (_all, id: string) => ` id="${ids.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : all))
    .replace(/href="#([^"]+)"/g, (all, id: string) => (ids.has(id) ? `href="#${ids.get(id)}"` : all));
}

/** The vega spec a vega-lite spec compiles to (throws on an invalid spec). */
export async function compileSpec(spec: TopLevelSpec): Promise<unknown> {
  const vl = await import('vega-lite');
  return vl.compile(spec).spec;
}

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/truetype/liberation'];

export async function svgToPng(svg: string, zoom = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    font: {
      loadSystemFonts: true,
      fontDirs: FONT_DIRS,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    background: 'white',
  });
  return r.render().asPng();
}
