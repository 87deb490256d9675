/** Attestation identity (packed, x5c). Filled in by the implementation commit. */
export interface AttestationIdentity {
  readonly rootPem: string;
}
export const TEST_ATTESTATION_ROOT_PEM = '';
export function attestationRootPem(identity: AttestationIdentity): string {
  return identity.rootPem;
}
