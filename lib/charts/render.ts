/**
 * Server-side rendering of vega-lite specs: SVG with vega's headless renderer (no canvas: text widths are
 * estimated), PNG through resvg with the system's DejaVu fonts. vega and vega-lite are loaded lazily with
 * `import()`: they cannot be `require()`d (vega-canvas has a top-level await), and notebooks load this
 * library through `require()`.
 */
import type { TopLevelSpec } from 'vega-lite';

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
