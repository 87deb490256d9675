/** base64url without padding (RFC 4648 §5), as WebAuthn JSON uses it. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new TypeError('not base64url');
  return new Uint8Array(Buffer.from(text, 'base64url'));
}
