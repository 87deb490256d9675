/**
 * Every error code the UI can receive (docs/DESIGN.md "Errors"). The renderer shows a message
 * from i18n for each (`errors.<kind>.<code>`), filling `{param}` placeholders from the params;
 * it never shows a stack or a raw status. A unit test checks that every code here has a message
 * in Swedish and English.
 */

/** StationError codes: a domain rule was not met. */
export const STATION_ERROR_CODES = [
  // input
  'input.invalid', // a request failed validation; params.field names the field
  // people
  'person.notFound',
  'person.upnTaken', // params.upn
  'person.invalidUpn',
  'person.disabled',
  // methods and their rules
  'method.notFound',
  'method.notAllowed', // the organization does not allow this kind; params.kind
  'method.limitReached', // five authenticator apps or hardware tokens; params.limit
  'method.nameInvalid', // an app's or token's name: empty after trimming, too long, control characters; params.max
  'method.cannotBeDefault', // email and security questions are never default; params.kind
  'method.cannotBeRenamed', // only apps and tokens take the person's own name here; params.kind
  'method.alreadyRegistered', // same phone number / email / token already registered
  // multi-step enrollments
  'enrollment.notFound', // unknown, finished or forgotten (e.g. station restarted)
  'enrollment.expired',
  // one-time codes (authenticator app, hardware token, SMS, call, email)
  'code.invalid', // params.attemptsLeft when limited
  'code.expired',
  'code.tooManyAttempts',
  'code.alreadyUsed',
  'code.rateLimited', // too many codes asked for (person, destination or station); params.minutes to wait
  // phone and email
  'phone.invalid', // not a valid number for the country
  'phone.notMobile', // SMS to a number that cannot receive texts
  'phone.notPersonal', // a call to a premium-rate, shared-cost, toll-free or other service number
  'email.invalid',
  'gateway.notConfigured',
  'gateway.failed',
  'verification.operatorRequired', // in-person verification needs a signed-in operator
  // security questions
  'questions.wrongCount', // params.required
  'questions.unknownQuestion',
  'questions.duplicateQuestion',
  'questions.answerLength', // params.min, params.max, params.questionId
  'questions.duplicateAnswer',
  'questions.bankTooSmall', // params.required, params.available
  // OATH hardware tokens
  'oath.tokenNotFound',
  'oath.tokenAssignedToOther',
  'oath.tokenAlreadyActivated',
  // PIN policy (docs/DESIGN.md "Policy")
  'pin.tooShort', // params.min
  'pin.tooLong', // params.max
  'pin.trivial', // all same digit or a sequence
  'pin.mismatch', // confirmation differs
  'pin.sameAsCurrent', // a forced PIN change must choose a different PIN
  // security keys (CTAP / transport outcomes translated for the UI, docs/DESIGN.md "Security key flow")
  'securityKey.notFound', // no key inserted
  'securityKey.wrongPin', // params.retriesLeft
  'securityKey.pinBlocked', // reset needed
  'securityKey.pinAuthBlocked', // remove and re-insert the key
  'securityKey.pinRequired', // policy requires UV but the key has no PIN set
  'securityKey.pinChangeRequired', // the key says forcePINChange: change the PIN first
  'securityKey.alreadyRegistered', // this key already holds a credential for this person
  'securityKey.storageFull',
  'securityKey.timeout', // timed out waiting for touch
  'securityKey.removed', // key removed mid-way
  'securityKey.cancelled',
  'securityKey.modelNotAllowed', // AAGUID not in the allow-list; params.aaguid
  'securityKey.virtualKeyRefused', // production station refuses the virtual key
  'securityKey.attestationRequired',
  'securityKey.attestationInvalid',
  'securityKey.unsupported', // key lacks what the policy requires; params.feature
  'securityKey.testSignInFailed',
  'securityKey.nameInvalid', // params.max
  'securityKey.deviceError', // any other key failure; params.detail (a status name)
  'securityKey.keyPinRules', // the key refused the new PIN under its own rules; params.min, params.max, params.complexity
  'securityKey.notSupportedByKey', // this key can't do it at all (e.g. CTAP 2.0: no credential list); params.capability
  'securityKey.tooManyRpIds', // more RP IDs for the minimum PIN length than the key takes; params.max
  'securityKey.differentKey', // guided reset: another key was inserted than the one removed
  'securityKey.resetTooLate', // reset refused: it must come within seconds of inserting the key
  'securityKey.uvBlocked', // too many unrecognised fingerprints: use the PIN
  'securityKey.fingerprintNameInvalid', // params.max
  'securityKey.mdsInvalid', // an imported FIDO metadata BLOB failed verification; params.detail (format, root, chain, signature, older)
  'securityKey.restartUnavailable', // "Restart as administrator" is not offered here (not Windows, already elevated, browser mode)
  'securityKey.restartRefused', // the administrator (UAC) prompt was refused or could not start
  'securityKey.modelCompromised', // the imported FIDO metadata reports this model revoked or compromised; params.model, params.status
  // temporary access passes
  'pass.invalid', // wrong or unknown
  'pass.expired',
  'pass.used', // a one-time pass was already used
  'pass.lengthOutOfRange', // params.min, params.max
  'pass.lifetimeOutOfRange', // params.minMinutes, params.maxMinutes
  // operators and sessions
  'operator.invalidCredentials',
  'operator.usernameTaken',
  'operator.passwordTooWeak', // params.min
  'operator.disabled',
  'operator.tooManyAttempts', // backoff after wrong passwords; params.seconds to wait
  'operator.locked', // password locked after too many wrong ones; a security key lifts it
  'operator.keyRequired', // lifting a lockout needs an operator signed in with a security key
  'operator.notFound',
  'session.operatorRequired', // action needs a signed-in operator
  'session.adminRequired',
  'session.forbidden', // a kiosk person may only act on themself
  // password reset readiness (the three cases a person can meet)
  'sspr.passwordNotManaged', // "Kontakta din administratör…" password managed elsewhere
  'sspr.notEnabled', // "Ditt konto är inte aktiverat för återställning av lösenord"
  'sspr.notRegistered', // "Vi kunde inte verifiera ditt konto" (too few SSPR methods)
  // password reset and returning sign-in at the station (docs/DESIGN.md §3.9)
  'reset.notFound', // the reset was forgotten (timed out or finished): start again
  'reset.offline', // resetting a password needs the connection to the provider
  'reset.rateLimited', // too many user IDs tried here; params.minutes
  'reset.locked', // too many failed verifications for this user ID or station; params.minutes
  'reset.methodUnavailable', // not one of this person's methods for this step
  'reset.notVerified', // the new password before enough methods were verified
  'reset.passwordRules', // the password does not meet the organization's rules
  'reset.passwordRejected', // the provider refused the password (a banned word); choose another
  'signIn.notEnough', // this method is not enough to sign in; params.required
  // policy, registry
  'policy.invalid', // params.issues
  'csv.empty',
  'csv.missingColumn', // params.column
  'csv.noHeader', // the first line is data, not column names; params.columns
  'registry.backupFailed',
  'registry.auditBroken',
  'audit.anchorNotAbsolute', // the anchor directory must be a full path
  'audit.anchorInsideDataDir', // …outside the data directory
  'audit.anchorUnwritable', // …and writable by the station
  'audit.anchorFromCommandLine', // chosen with --audit-anchor: not changed from the console
  // identity provider (docs/IDP.md)
  'idp.notConnected', // no connection saved yet
  'idp.invalidSetting', // params.field
  'idp.insecureHost', // not https (only a loopback host may use http); params.field
  'idp.badCredential', // the client secret or certificate was refused
  'idp.unknownTenant',
  'idp.unknownApp', // no such application (client id) in the tenant
  'idp.missingPermission', // params.permission
  'idp.noNetwork',
  'idp.untrustedCertificate', // the host's TLS certificate is not trusted
  'idp.groupNotFound',
  'idp.providerError', // params.detail
  'idp.personNotLinked', // the person is not known to the provider
  'idp.notDeletable', // params.type (e.g. the password)
  'idp.challengeExpired', // params.online: a fresh one can be fetched
  'idp.noCreationOptions', // offline and none imported for this person
  'idp.itemNotFailed', // retry/discard only a failed item
  // provisioning keys for others (docs/PROVISIONING.md)
  'provisioning.nobodyReady', // no selected person has a ready challenge
  'provisioning.runActive', // a run is going; end it first
  'provisioning.noRun',
  'provisioning.slipsNotReady', // the run has not ended yet
  'provisioning.slipsGone', // handed over once; a lost slip means a PIN reset
] as const;

export type StationErrorCode = (typeof STATION_ERROR_CODES)[number];

/** Per-row problems in CSV imports (roster, OATH tokens), reported rather than thrown. */
export const ROW_ERROR_CODES = [
  'row.missingField', // params.field
  'row.invalidUpn',
  'row.invalidEmail',
  'row.invalidPhone',
  'row.duplicate', // the same key appears twice in the file; params.field
  'row.tooLong', // params.field, params.max
  'row.unknownPerson', // OATH token for a UPN not in the roster
  'row.invalidSecret', // not base32
  'row.secretTooLong', // params.max (128)
  'row.invalidPeriod', // not 30 or 60
  'row.alreadyImported', // token serial already in the inventory
  'row.columnCount', // params.expected, params.actual
] as const;

export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

/** The contract refused the call before the station saw it. */
export const VALIDATION_ERROR_CODES = [
  'invalidArguments', // params.path, params.issue
  'unknownChannel',
  'untrustedSender', // Electron: the call did not come from the station's own window
  'malformedMessage', // browser host: not a well-formed request
  'tooManyCalls', // browser host: too many calls in flight
] as const;
export type ValidationErrorCode = (typeof VALIDATION_ERROR_CODES)[number];

/** Something failed that no rule explains; the renderer's own connection included. */
export const INTERNAL_ERROR_CODES = ['unexpected', 'connectionLost'] as const;
export type InternalErrorCode = (typeof INTERNAL_ERROR_CODES)[number];
