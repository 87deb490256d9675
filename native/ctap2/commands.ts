/** CTAP 2.1 §6 authenticator API command bytes. */
export const CtapCommand = {
  makeCredential: 0x01,
  getAssertion: 0x02,
  getInfo: 0x04,
  clientPIN: 0x06,
  reset: 0x07,
  getNextAssertion: 0x08,
  bioEnrollment: 0x09,
  credentialManagement: 0x0a,
  selection: 0x0b,
  largeBlobs: 0x0c,
  config: 0x0d,
  bioEnrollmentPreview: 0x40 /* FIDO_2_1_PRE */,
  credentialManagementPreview: 0x41 /* FIDO_2_1_PRE; Debian 12's libfido2 1.12 sends only this */,
} as const;
