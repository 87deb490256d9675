/**
 * Public API of native/ (see native/README.md). Import from here only; deeper modules are
 * internal. Skeleton: the transport, CTAPHID, CTAP2 and WebAuthn layers are re-exported as
 * they land.
 */
export * from './hid/connection.ts';
export { TransportError, isTransportError, type TransportErrorCode } from './errors.ts';
export {
  CtapError,
  CtapStatus,
  ctapStatusName,
  isCtapError,
  type CtapStatusName,
} from './ctap2/status.ts';
export { CtapCommand } from './ctap2/commands.ts';
export { encodeCanonical, decodeCbor, type CborValue } from './cbor.ts';
