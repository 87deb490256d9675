import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** The path with symlinks resolved as far as it exists (the rest appended as given). */
function realish(path: string): string {
  const full = resolve(path);
  if (existsSync(full)) return realpathSync(full);
  const parent = dirname(full);
  if (parent === full) return full;
  return resolve(realish(parent), relative(parent, full));
}

/**
 * Whether `path` is `dir` itself or lies anywhere under it (symlinks resolved): what must not
 * hold for the station key file or the audit anchor and the data directory.
 */
export function isInsideDir(path: string, dir: string): boolean {
  const rel = relative(realish(dir), realish(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
