/**
 * Showing charts and tables in a tslab notebook, and saving a chart's spec. tslab's public `display`
 * sends one MIME type per output; a bundle needs several (the interactive chart and its picture), so
 * this writes the bundle through the kernel's own display writer, the one `display` uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { chartBundle, type MimeBundle, type TableData, tableBundle } from './mime.js';

type DisplayWriter = (
  data: { data: unknown; metadata: unknown; transient: unknown },
  update: boolean,
) => void;

function kernelWriter(): DisplayWriter {
  let writer: DisplayWriter | null = null;
  try {
    const jupyter = createRequire(import.meta.url)('tslab/dist/jupyter.js') as {
      lastWriteDisplayData: DisplayWriter | null;
    };
    writer = jupyter.lastWriteDisplayData;
  } catch {
    writer = null;
  }
  if (!writer) throw new Error('show: not running in a tslab notebook kernel');
  return writer;
}

/** Display a MIME bundle as the output of the running cell. */
export function show(bundle: MimeBundle): void {
  kernelWriter()({ data: bundle.data, metadata: bundle.metadata, transient: {} }, false);
}

/** Write a vega-lite spec as JSON (`.vl.json`: the vega editor, `vl2svg` and JupyterLab open it). */
export function saveChart(spec: TopLevelSpec, path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(spec, null, 2)}\n`);
  return path;
}

export interface ShowChartOptions {
  /** A directory to save the spec in, as `<dir>/<name>.vl.json` (nothing saved when empty). */
  readonly saveDir?: string;
}

/** Show a chart (interactive vega, PNG fallback); optionally save its spec. */
export async function showChart(
  spec: TopLevelSpec,
  name: string,
  options: ShowChartOptions = {},
): Promise<void> {
  show(await chartBundle(spec, name));
  if (options.saveDir) saveChart(spec, `${options.saveDir.replace(/\/$/, '')}/${name}.vl.json`);
}

/** Show a table (HTML, with its rows as JSON for programs that read the notebook). */
export function showTable(table: TableData, limit = 30): void {
  show(tableBundle(table, limit));
}
