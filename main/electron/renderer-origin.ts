/**
 * Which URLs are "our renderer". In the packaged app the renderer is served from the
 * privileged app:// scheme (never file://, which would make every local file same-origin);
 * under electron-vite dev it comes from the dev server's URL.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keystation';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The origin the renderer is loaded from: app://keystation, or the dev server's origin. */
export function rendererOrigin(devServerUrl: string | undefined): string {
  if (devServerUrl) {
    const url = new URL(devServerUrl);
    if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
      throw new Error('The dev server must run on loopback');
    }
    return url.origin;
  }
  return APP_ORIGIN;
}

/** True when `url` belongs to `origin` (exact scheme, host and port). */
export function isRendererUrl(url: string, origin: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === `${APP_SCHEME}:`) {
      return origin === APP_ORIGIN && parsed.host === APP_HOST;
    }
    return parsed.origin === origin;
  } catch {
    return false;
  }
}
