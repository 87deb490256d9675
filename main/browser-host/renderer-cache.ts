/**
 * The renderer's files as the browser host serves them: read once, gzip-compressed once for
 * browsers that accept it, and kept in memory — the first screen waits for the main chunk, so
 * its bytes should be few and ready (docs/DESIGN.md §10.6). A file that changes on disk (a
 * rebuild while the station runs) is read again. Hashed files under assets/ never change under
 * their name, so the browser may keep them; everything else (index.html) is never stored.
 */
import { stat, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { mimeTypeOf } from '../api/renderer-files';

const gzipAsync = promisify(gzip);
/** Below this, compression saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(javascript|json)|image\/svg\+xml)/;

export interface ServedFile {
  body: Buffer;
  contentType: string;
  /** 'gzip' when `body` is the compressed form. */
  encoding: 'gzip' | null;
  cacheControl: string;
}

interface Entry {
  mtimeMs: number;
  size: number;
  raw: Buffer;
  gzipped: Promise<Buffer | null>;
}

export class RendererFileCache {
  private readonly entries = new Map<string, Entry>();

  /** `file` is an absolute path already resolved inside the renderer dir; null if unreadable. */
  async get(file: string, acceptEncoding: string | undefined): Promise<ServedFile | null> {
    let entry: Entry;
    try {
      const s = await stat(file);
      const known = this.entries.get(file);
      if (known && known.mtimeMs === s.mtimeMs && known.size === s.size) entry = known;
      else {
        const raw = await readFile(file);
        const contentType = mimeTypeOf(file);
        entry = {
          mtimeMs: s.mtimeMs,
          size: s.size,
          raw,
          gzipped:
            raw.length >= MIN_COMPRESS_BYTES && COMPRESSIBLE.test(contentType)
              ? gzipAsync(raw, { level: 9 }).catch(() => null)
              : Promise.resolve(null),
        };
        this.entries.set(file, entry);
      }
    } catch {
      return null;
    }
    const contentType = mimeTypeOf(file);
    const gz = acceptsGzip(acceptEncoding) ? await entry.gzipped : null;
    return {
      body: gz ?? entry.raw,
      contentType,
      encoding: gz ? 'gzip' : null,
      cacheControl: /[/\\]assets[/\\][^/\\]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(file)
        ? 'private, max-age=31536000, immutable'
        : 'no-store',
    };
  }
}

/** True when the Accept-Encoding header allows gzip (q=0 refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
