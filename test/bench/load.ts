import { execFile } from 'node:child_process';
import path from 'node:path';

export interface LoadResult { readonly rps: number; readonly total: number; readonly non2xx: number; readonly errors: number }

/** Runs autocannon in a child process (never in the panel's event loop) and returns its summary. */
export function load(options: { url: string; headers?: Record<string, string>; connections: number; duration?: number; amount?: number }): Promise<LoadResult> {
  const script = path.join(import.meta.dirname, 'load.mjs');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(options)], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const result = JSON.parse(stdout) as LoadResult;
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      resolve(result);
    });
  });
}
