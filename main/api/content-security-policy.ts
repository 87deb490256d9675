/**
 * The Content-Security-Policy both hosts send with the renderer (Electron via its app://
 * protocol handler and session headers, the browser host via HTTP headers). Scripts and styles
 * only from our own origin, no inline script, no eval, no plugins, no framing, no forms.
 */
export interface CspOptions {
  /** Extra `connect-src` sources, e.g. the browser host's `ws://127.0.0.1:PORT`. */
  connect?: string[];
  /** Development only: the Vite dev server needs inline scripts and its websocket. */
  development?: boolean;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])];
  const script = options.development ? ["'self'", "'unsafe-inline'"] : ["'self'"];
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', script],
    ['style-src', ["'self'"]],
    // data: for QR codes rendered to images (authenticator app flow).
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', options.development ? [...connect, 'ws:'] : connect],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Headers sent with every renderer response, in both hosts. */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), hid=(), serial=()',
    'Cache-Control': 'no-store',
  };
}
