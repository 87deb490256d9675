/**
 * Public API of native/ (see native/README.md). Import from here only; deeper modules are
 * internal and may move.
 */
// hid/ — transports, discovery, hot-plug
export * from './hid/connection';
export {
  DeviceWatcher,
  listDevices,
  openConnection,
  watchDevices,
  type DeviceTarget,
  type ListOptions,
  type WatchOptions,
} from './hid/discovery';
export { UdpHidConnection, parseUdpPath } from './hid/udp';
export {
  NodeHidConnection,
  classifyOpenFailure,
  type HidPlatform,
  type NodeHidBackend,
  type NodeHidDevice,
  type NodeHidDeviceInfo,
  type NodeHidOptions,
} from './hid/nodeHid';
export { ReplayHidConnection, type ReplayResponder } from './hid/replay';

// errors
export { TransportError, isTransportError, type TransportErrorCode } from './errors';
export {
  CtapError,
  CtapStatus,
  ctapStatusName,
  isCtapError,
  type CtapStatusName,
} from './ctap2/status';

// ctaphid/
export {
  CtapHidDevice,
  type CommandOptions,
  type CtapHidCapabilities,
  type DeviceVersion,
  type KeepaliveState,
  type OpenOptions,
} from './ctaphid/device';
export { CtapHidCommand, CtapHidError, MAX_MESSAGE_SIZE } from './ctaphid/constants';

// ctap2/
export { Ctap2, type Ctap2Options } from './ctap2/client';
export { CtapCommand } from './ctap2/commands';
export { authenticatorInfoToJson, type AuthenticatorInfo } from './ctap2/info';
export {
  ClientPin,
  CtapPinError,
  checkPinRules,
  type Permission,
  type PinRuleViolation,
  type PinUvAuthToken,
} from './ctap2/clientPin';
export type { MakeCredentialParams, MakeCredentialResult } from './ctap2/credential';
export type { AssertionResult, GetAssertionParams } from './ctap2/assertion';
export {
  CredentialManagement,
  type CredsMetadata,
  type StoredCredential,
  type StoredRp,
} from './ctap2/credMgmt';
export { AuthenticatorConfig, type SetMinPinLengthRequest } from './ctap2/config';
export type { PublicKeyCredentialDescriptor, UserEntity } from './ctap2/decode';
export type { CommandTiming } from './ctap2/sendCbor';

// client/ — above ctap2: the WebAuthn ceremony and the key manager
export { createCredential, getCredential, type ClientOptions } from './client/ceremony';
export {
  KeyCapabilityError,
  KeyManager,
  type KeyManagerOptions,
  type KeyStatus,
  type PinPrompt,
  type PinRules,
  type StoredRpCredentials,
} from './client/keyManager';
export {
  builtInModels,
  combineCatalogs,
  describeKey,
  formatFirmware,
  UNSAFE_MDS_STATUSES,
  type FirmwareVersion,
  type KeyDescription,
  type ModelCatalog,
  type ModelEntry,
} from './client/keyModel';
export {
  MAX_MDS_BLOB_LENGTH,
  MdsBlobError,
  mdsCatalog,
  modelStatus,
  verifyMdsBlob,
  type MdsFailure,
  type MdsModel,
  type VerifiedMdsBlob,
} from './client/mds';
export {
  BioEnrollment,
  feedbackName,
  type BioModality,
  type EnrollSample,
  type TemplateInfo,
} from './ctap2/bio';

// webauthn/ — data formats
export { buildClientDataJSON, clientDataHash, type ClientDataInput } from './webauthn/clientData';
export { parseAuthenticatorData, type AuthenticatorData } from './webauthn/authData';
export { parseAttestationObject, type AttestationObject } from './webauthn/attestation';
export { coseAlgorithm, coseKeyToJwk, type CoseKey } from './webauthn/cose';
export { fromBase64Url, toBase64Url } from './webauthn/base64url';
export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

// one-call open
export { openAuthenticator, openCtapHidDevice } from './open';

// CBOR (shared)
export { encodeCanonical, decodeCbor, type CborValue } from './cbor';
