/**
 * The Keystation virtual key: a software CTAP 2.1 authenticator behind the `HidConnection`
 * seam. It implements its own authenticator-side CTAPHID (CTAP 2.1 §11.2) and the CTAP 2.1
 * command set, and it never imports the client code in native/ctaphid or native/ctap2 (so a
 * bug in the client cannot be mirrored by the key).
 *
 * ```ts
 * const key = new VirtualKey({ seed: 'golden-1', touch: 'auto' });
 * const conn = key.connect();          // HidConnection; several may be open at once
 * // … drive it with any CTAP client …
 * key.setTouchMode('manual');          // now every user-presence check waits for key.touch()
 * key.on('upneeded', () => key.touch());
 * key.powerCycle();                    // clears PIN_AUTH_BLOCKED, opens the 10 s reset window
 * ```
 *
 * Over UDP (one datagram = one 64-byte report, no report ID): `startUdpVirtualKey()` in
 * ./udp.ts or `npx keystation-virtual-key --port 8111`.
 */
export {
  VirtualKey,
  VIRTUAL_KEY_VENDOR_ID,
  VIRTUAL_KEY_PRODUCT_ID,
  type VirtualKeySummary,
} from './virtualKey';
export type {
  VirtualKeyOptions,
  VirtualKeyEvents,
  VirtualKeyEventName,
  TouchMode,
  FaultInjection,
  ReplyRouting,
  AttestationMode,
} from './options';
export type { VirtualKeyState } from './state';
export {
  TEST_ATTESTATION_ROOT_PEM,
  attestationRootPem,
  type AttestationIdentity,
} from './attestation';
export { startUdpVirtualKey, type UdpVirtualKey, type UdpVirtualKeyOptions } from './udp';
export { VIRTUAL_KEY_AAGUID, VIRTUAL_KEY_MODEL_NAME } from './identity';
