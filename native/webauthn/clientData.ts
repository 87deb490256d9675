/** CollectedClientData (WebAuthn L3 §5.8.1) and its hash, the clientDataHash CTAP signs over. */
import { createHash } from 'node:crypto';

export interface ClientDataInput {
  type: 'webauthn.create' | 'webauthn.get';
  /** base64url, exactly as in the options JSON. */
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
}

/**
 * JSON-compatible serialization in the order §5.8.1.1 fixes (type, challenge, origin,
 * crossOrigin), which is what browsers emit and verifiers expect.
 */
export function buildClientDataJSON(c: ClientDataInput): Uint8Array {
  const json = JSON.stringify({
    type: c.type,
    challenge: c.challenge,
    origin: c.origin,
    crossOrigin: c.crossOrigin ?? false,
  });
  return new TextEncoder().encode(json);
}

export function clientDataHash(clientDataJSON: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(clientDataJSON).digest());
}
