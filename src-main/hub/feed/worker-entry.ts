/**
 * Where a worker thread's script is: the built entry beside the hub's bundle (out/main/<name>.js,
 * electron.vite.config.ts), or, from the TypeScript sources (tests, the bench), the source through
 * tsx's loader; null when neither is there (the caller then does the work in its own thread).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function workerEntry(dir: string, name: string): { code: string; eval: boolean } | null {
  for (const d of [dir, join(dir, '..')]) {
    const js = join(d, `${name}.js`);
    if (existsSync(js)) return { code: js, eval: false };
  }
  const ts = join(dir, `${name}.ts`);
  if (!existsSync(ts)) return null;
  return { code: `require('tsx/cjs/api').register(); require(${JSON.stringify(ts)});`, eval: true };
}
