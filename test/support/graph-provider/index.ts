/** The local test identity provider (Entra ID token endpoint + Microsoft Graph). See README.md. */
export {
  GraphProvider,
  startGraphProvider,
  type GraphProviderOptions,
  type RequestLogEntry,
} from './server';
export {
  SeededTenant,
  KEYSTATION_PERMISSIONS,
  type AppSeed,
  type SeededApp,
  type MethodSeed,
  type UserSeed,
} from './seed';
export { FaultControl, type FaultSpec, type FaultHandle, type FaultMatch } from './faults';
export { createAppCertificate, type AppCertificate } from './pki';
export { ENTRA_ORIGIN, ENTRA_RP_ID } from './fido2';
export { currentCode, totpAt } from './totp';
export { checkPasswordComplexity } from './passwords';
export {
  PHONE_METHOD_IDS,
  EMAIL_METHOD_ID,
  PASSWORD_METHOD_ID,
  type User,
  type AuthMethod,
  type MethodType,
  type TenantPolicy,
} from './state';
export { ProviderClock } from './clock';
