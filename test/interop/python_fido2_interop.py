"""Interop check of the Keystation virtual key with python-fido2 0.9.1 (an independent client).

usage: python3 python_fido2_interop.py setup|reset|builtin-uv|ctap20|ctap21pre|bio <udp-port> <root-ca.pem>

`setup` (fresh key): PING/WINK, getInfo, set a PIN (protocol 2), PIN retry semantics, make a
discoverable credential (attestation verified by python-fido2's packed verifier against the
virtual key's root), a non-discoverable one, assertions verified by Fido2Server, hmac-secret,
credential management (metadata, enumerate, update, delete) with both PIN protocols.
`reset` (right after a restart = power-up): authenticatorReset and its effects.
`ctap20`, `ctap21pre`, `bio`: the key's profiles of those names (getInfo, PIN protocol 1 and the
legacy token, U2F over CTAPHID_MSG, credential management 0x41, bio enrollment 0x40 / 0x09).
Prints one JSON object on the last line; exits non-zero on the first failure.
"""
import base64
import json
import sys

from cryptography import x509
from cryptography.hazmat.backends import default_backend
from fido2.client import ClientError, Fido2Client
from fido2.ctap import CtapError
from fido2.ctap1 import Ctap1
from fido2.ctap2 import ClientPin, Ctap2, CredentialManagement
from fido2.ctap2.bio import CaptureError, FPBioEnrollment
from fido2.ctap2.extensions import CredProtectExtension
from fido2.ctap2.pin import PinProtocolV1, PinProtocolV2
from fido2.server import AttestationVerifier, Fido2Server
from fido2.webauthn import PublicKeyCredentialRpEntity

from udp_hid import open_udp_device

AAGUID = "a8d6d8f25b9c4e3a9c714b657973744e"
ORIGIN = "https://example.com"
RP = PublicKeyCredentialRpEntity("example.com", "Example RP")
PIN = "4711-kz"
results = {}


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    results.setdefault("checks", []).append(what)


def expect_ctap(code, fn, what):
    try:
        fn()
    except CtapError as e:
        check(e.code == code, "%s -> %s (got %s)" % (what, code.name, e.code))
        return
    except ClientError as e:
        cause = getattr(e, "cause", None)
        if isinstance(cause, CtapError):
            check(cause.code == code, "%s -> %s (got %s)" % (what, code.name, cause.code))
            return
        raise
    raise AssertionError("%s: expected %s, got success" % (what, code.name))


class RootVerifier(AttestationVerifier):
    def __init__(self, root_der):
        super().__init__()
        self.root_der = root_der

    def ca_lookup(self, attestation_result, auth_data):
        return [self.root_der]


def b64(b):
    return base64.urlsafe_b64encode(bytes(b)).decode().rstrip("=")


def setup(port, root_der):
    dev = open_udp_device(port)
    check(dev.ping(b"keystation") == b"keystation", "CTAPHID PING echoes")
    dev.wink()
    ctap = Ctap2(dev)  # strict_cbor=True: every reply must be canonical CBOR
    info = ctap.info
    check(info.aaguid.hex() == AAGUID, "getInfo aaguid is the virtual key's")
    check("FIDO_2_1" in info.versions and "FIDO_2_0" in info.versions, "getInfo versions")
    check(info.options.get("clientPin") is False, "clientPin false before a PIN is set")
    check(info.pin_uv_protocols == [2, 1], "pinUvAuthProtocols [2, 1]")
    results["info"] = {"versions": info.versions, "options": info.options, "maxMsgSize": info.max_msg_size}

    pin2 = ClientPin(ctap, PinProtocolV2())
    pin2.set_pin(PIN)
    check(ctap.get_info().options.get("clientPin") is True, "clientPin true after setPIN")
    check(pin2.get_pin_retries()[0] == 8, "8 retries after setPIN")
    ga = ClientPin.PERMISSION.GET_ASSERTION
    expect_ctap(CtapError.ERR.MISSING_PARAMETER, lambda: pin2.get_pin_token(PIN), "0x09 without permissions")
    check(pin2.get_pin_retries()[0] == 8, "a request missing permissions costs no retry")
    expect_ctap(CtapError.ERR.PIN_INVALID, lambda: pin2.get_pin_token("wrong-pin", ga, "example.com"), "wrong PIN")
    check(pin2.get_pin_retries()[0] == 7, "retries decremented to 7")
    pin2.get_pin_token(PIN, ga, "example.com")
    check(pin2.get_pin_retries()[0] == 8, "correct PIN restores 8 retries")

    server = Fido2Server(RP, attestation="direct", verify_attestation=RootVerifier(root_der))
    client = Fido2Client(dev, ORIGIN)

    # Discoverable credential, PIN-verified, hmac-secret.
    user = {"id": b"user-0001", "name": "anna@example.com", "displayName": "Anna Andersson"}
    opts, state = server.register_begin(user, resident_key=True, user_verification="required")
    opts["publicKey"].extensions = {"hmacCreateSecret": True, "credentialProtectionPolicy": CredProtectExtension.POLICY.OPTIONAL_WITH_LIST}
    reg = client.make_credential(opts["publicKey"], pin=PIN)
    auth_data = server.register_complete(state, reg.client_data, reg.attestation_object)
    check(reg.attestation_object.fmt == "packed", "attestation format packed")
    check(auth_data.credential_data.aaguid.hex() == AAGUID, "attested AAGUID")
    check(auth_data.is_user_verified(), "UV flag set with PIN token")
    check(reg.extension_results.get("hmacCreateSecret") is True, "hmac-secret created")
    results["registration"] = {
        "attestationObject": b64(bytes(reg.attestation_object.with_string_keys())),
        "clientDataJSON": b64(bytes(reg.client_data)),
        "challenge": state["challenge"],
    }
    rk_cred = auth_data.credential_data

    # A non-discoverable credential through the client (PIN), then raw CTAP2 without a PIN:
    # python-fido2's client insists on the PIN once one is set, the key does not
    # (makeCredUvNotRqd) — except for discoverable credentials (PUAT_REQUIRED).
    opts2, state2 = server.register_begin({"id": b"user-0002", "name": "bo@example.com"}, user_verification="discouraged")
    reg2 = client.make_credential(opts2["publicKey"], pin=PIN)
    nonrk_cred = server.register_complete(state2, reg2.client_data, reg2.attestation_object).credential_data
    cdh = bytes(32)
    raw = ctap.make_credential(cdh, {"id": "example.com"}, {"id": b"user-0003"}, [{"type": "public-key", "alg": -8}])
    check(raw.fmt == "packed" and not raw.auth_data.is_user_verified(), "raw makeCredential without PIN (makeCredUvNotRqd), EdDSA")
    raw_cred = raw.auth_data.credential_data
    check(raw_cred.public_key[3] == -8, "EdDSA chosen from pubKeyCredParams")
    expect_ctap(
        CtapError.ERR.PIN_REQUIRED,  # 0x36, PUAT_REQUIRED in CTAP 2.1
        lambda: ctap.make_credential(cdh, {"id": "example.com"}, {"id": b"u4"}, [{"type": "public-key", "alg": -7}], options={"rk": True}),
        "discoverable makeCredential without PIN",
    )
    expect_ctap(
        CtapError.ERR.UNSUPPORTED_ALGORITHM,
        lambda: ctap.make_credential(cdh, {"id": "example.com"}, {"id": b"u4"}, [{"type": "public-key", "alg": -257}]),
        "RS256 only",
    )

    # excludeList → CREDENTIAL_EXCLUDED (after the touch)
    opts3, _ = server.register_begin({"id": b"user-0002", "name": "bo"}, credentials=[nonrk_cred])
    expect_ctap(CtapError.ERR.CREDENTIAL_EXCLUDED, lambda: client.make_credential(opts3["publicKey"], pin=PIN), "excludeList")

    # Assertion with allowList through the client, verified by the server.
    req, st = server.authenticate_begin([rk_cred, nonrk_cred], user_verification="discouraged")
    sel = client.get_assertion(req["publicKey"], pin=PIN)
    resp = sel.get_response(0)
    server.authenticate_complete(st, [rk_cred, nonrk_cred], resp.credential_id, resp.client_data, resp.authenticator_data, resp.signature)
    check(True, "allowList assertion verified by Fido2Server")
    count1 = resp.authenticator_data.counter

    # Raw getAssertion without PIN on the EdDSA credential: UP only, signature verifies.
    a = ctap.get_assertion("example.com", cdh, [{"type": "public-key", "id": raw_cred.credential_id}])
    raw_cred.public_key.verify(bytes(a.auth_data) + cdh, a.signature)
    check(a.auth_data.is_user_present() and not a.auth_data.is_user_verified(), "raw EdDSA assertion verifies (UP, no UV)")
    expect_ctap(CtapError.ERR.NO_CREDENTIALS, lambda: ctap.get_assertion("other.example", cdh, [{"type": "public-key", "id": raw_cred.credential_id}]), "credential bound to its RP")

    # Discoverable assertion with PIN + hmac-secret (twice: same salt → same output).
    salt = bytes(range(32))
    outs = []
    for _ in range(2):
        req, st = server.authenticate_begin(user_verification="required")
        req["publicKey"].extensions = {"hmacGetSecret": {"salt1": salt}}
        sel = client.get_assertion(req["publicKey"], pin=PIN)
        resp = sel.get_response(0)
        server.authenticate_complete(st, [rk_cred], resp.credential_id, resp.client_data, resp.authenticator_data, resp.signature)
        check(resp.user_handle == b"user-0001", "discoverable assertion returns the user handle")
        outs.append(resp.extension_results["hmacGetSecret"]["output1"])
    check(outs[0] == outs[1] and len(outs[0]) == 32, "hmac-secret output stable")
    check(resp.authenticator_data.counter > count1, "signCount increases")

    # Credential management with protocol 1 (permissions cm).
    pin1 = ClientPin(ctap, PinProtocolV1())
    token = pin1.get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    cm = CredentialManagement(ctap, pin1.protocol, token)
    meta = cm.get_metadata()
    check(meta[CredentialManagement.RESULT.EXISTING_CRED_COUNT] == 1, "credMgmt: 1 discoverable credential")
    rps = cm.enumerate_rps()
    check(len(rps) == 1 and rps[0][CredentialManagement.RESULT.RP]["id"] == "example.com", "credMgmt: enumerate RPs")
    creds = cm.enumerate_creds(rps[0][CredentialManagement.RESULT.RP_ID_HASH])
    check(len(creds) == 1 and creds[0][CredentialManagement.RESULT.USER]["name"] == "anna@example.com", "credMgmt: enumerate credentials")
    cred_id = creds[0][CredentialManagement.RESULT.CREDENTIAL_ID]
    cm.update_user_info(cred_id, {"id": b"user-0001", "name": "anna.a@example.com", "displayName": "Anna A."})
    creds = cm.enumerate_creds(rps[0][CredentialManagement.RESULT.RP_ID_HASH])
    check(creds[0][CredentialManagement.RESULT.USER]["name"] == "anna.a@example.com", "credMgmt: updateUserInformation")
    cm.delete_cred(cred_id)
    check(cm.get_metadata()[CredentialManagement.RESULT.EXISTING_CRED_COUNT] == 0, "credMgmt: deleteCredential")
    results["ok"] = True


def reset(port):
    dev = open_udp_device(port)
    ctap = Ctap2(dev)
    check(ctap.info.options.get("clientPin") is True, "PIN survived the restart (state file)")
    ctap.reset()
    info = ctap.get_info()
    check(info.options.get("clientPin") is False, "reset cleared the PIN")
    check(info.remaining_disc_creds == 25, "reset cleared discoverable credentials")
    results["ok"] = True


def builtin_uv(port, root_der):
    """A key started with builtInUv: python-fido2 verifies the user with the key's own UV."""
    dev = open_udp_device(port)
    ctap = Ctap2(dev)
    check(ctap.info.options.get("uv") is True, "getInfo uv true")
    server = Fido2Server(RP, attestation="direct", verify_attestation=RootVerifier(root_der))
    client = Fido2Client(dev, ORIGIN)
    opts, state = server.register_begin({"id": b"uv-user", "name": "uv"}, resident_key=True, user_verification="required")
    reg = client.make_credential(opts["publicKey"])
    auth_data = server.register_complete(state, reg.client_data, reg.attestation_object)
    check(auth_data.is_user_verified(), "registration verified by built-in UV")
    req, st = server.authenticate_begin(user_verification="required")
    resp = client.get_assertion(req["publicKey"]).get_response(0)
    server.authenticate_complete(st, [auth_data.credential_data], resp.credential_id, resp.client_data, resp.authenticator_data, resp.signature)
    check(resp.authenticator_data.is_user_verified(), "assertion verified by built-in UV")
    results["ok"] = True


def register_and_assert(dev, root_der, pin, name, uv="required"):
    """A discoverable credential through Fido2Client, verified by Fido2Server; then an assertion."""
    server = Fido2Server(RP, attestation="direct", verify_attestation=RootVerifier(root_der))
    client = Fido2Client(dev, ORIGIN)
    opts, state = server.register_begin({"id": name.encode(), "name": name}, resident_key=True, user_verification=uv)
    reg = client.make_credential(opts["publicKey"], pin=pin)
    auth_data = server.register_complete(state, reg.client_data, reg.attestation_object)
    req, st = server.authenticate_begin([auth_data.credential_data], user_verification=uv)
    resp = client.get_assertion(req["publicKey"], pin=pin).get_response(0)
    server.authenticate_complete(st, [auth_data.credential_data], resp.credential_id, resp.client_data, resp.authenticator_data, resp.signature)
    return auth_data, resp


def u2f_roundtrip(dev, label):
    """U2F (CTAP1) over CTAPHID_MSG: VERSION, REGISTER, AUTHENTICATE, each verified by python-fido2."""
    ctap1 = Ctap1(dev)
    check(ctap1.get_version() == "U2F_V2", "%s: U2F VERSION" % label)
    chal, app = b"\x11" * 32, b"\x22" * 32
    reg = ctap1.register(chal, app)
    reg.verify(app, chal)
    check(True, "%s: U2F REGISTER (attestation signature verifies)" % label)
    sig = ctap1.authenticate(chal, app, reg.key_handle)
    sig.verify(app, chal, reg.public_key)
    check(sig.user_presence & 1 == 1, "%s: U2F AUTHENTICATE (signature verifies, user present)" % label)


def ctap20(port, root_der):
    """A CTAP 2.0 key: FIDO_2_0 only, PIN protocol 1, getPinToken, and U2F beside CTAP2."""
    dev = open_udp_device(port)
    ctap = Ctap2(dev)
    info = ctap.info
    check(info.versions == ["U2F_V2", "FIDO_2_0"], "getInfo versions U2F_V2, FIDO_2_0")
    check(info.pin_uv_protocols == [1], "pinUvAuthProtocols [1]")
    check("credMgmt" not in info.options and "credentialMgmtPreview" not in info.options, "no credential management")
    pin = ClientPin(ctap, PinProtocolV1())
    pin.set_pin(PIN)
    check(pin.get_pin_retries()[0] == 8, "setPIN with protocol 1")
    auth_data, resp = register_and_assert(dev, root_der, PIN, "ctap20-user")
    check(auth_data.is_user_verified() and resp.authenticator_data.is_user_verified(), "register + assert with the legacy PIN token")
    expect_ctap(CtapError.ERR.INVALID_COMMAND, lambda: ctap.selection(), "authenticatorSelection on a 2.0 key")
    u2f_roundtrip(dev, "ctap20")
    results["ok"] = True


def ctap21pre(port, root_der):
    """A FIDO_2_1_PRE key: credential management as 0x41, bio enrollment as 0x40."""
    dev = open_udp_device(port)
    ctap = Ctap2(dev)
    info = ctap.info
    check("FIDO_2_1_PRE" in info.versions and "FIDO_2_1" not in info.versions, "getInfo FIDO_2_1_PRE without FIDO_2_1")
    check(info.options.get("credentialMgmtPreview") is True and "credMgmt" not in info.options, "credentialMgmtPreview only")
    check("userVerificationMgmtPreview" in info.options and "bioEnroll" not in info.options, "userVerificationMgmtPreview only")
    pin = ClientPin(ctap, PinProtocolV1())
    pin.set_pin(PIN)
    register_and_assert(dev, root_der, PIN, "pre-user")
    token = pin.get_pin_token(PIN)
    cm = CredentialManagement(ctap, pin.protocol, token)
    meta = cm.get_metadata()
    check(meta[CredentialManagement.RESULT.EXISTING_CRED_COUNT] == 1, "credMgmt 0x41: metadata")
    rps = cm.enumerate_rps()
    check(rps[0][CredentialManagement.RESULT.RP]["id"] == "example.com", "credMgmt 0x41: RP enumerated")
    bio = FPBioEnrollment(ctap, pin.protocol, token)
    enrollment = bio.enroll()
    template = None
    samples = 0
    while template is None:
        template = enrollment.capture()
        samples += 1
    check(samples == 4, "bio 0x40: a finger enrolled in 4 samples")
    bio.set_name(template, "Thumb")
    check(bio.enumerate_enrollments() == {template: "Thumb"}, "bio 0x40: enumerate + rename")
    check(ctap.get_info().options.get("uv") is True, "uv true after enrollment")
    u2f_roundtrip(dev, "ctap21pre")
    results["ok"] = True


def bio(port, root_der):
    """A CTAP 2.1 fingerprint key (bioEnrollment 0x09). The test presents a bad finger first."""
    dev = open_udp_device(port)
    ctap = Ctap2(dev)
    info = ctap.info
    check(info.options.get("bioEnroll") is False and info.options.get("uv") is False, "bioEnroll and uv false before enrollment")
    pin = ClientPin(ctap, PinProtocolV2())
    pin.set_pin(PIN)
    token = pin.get_pin_token(PIN, ClientPin.PERMISSION.BIO_ENROLL)
    bio = FPBioEnrollment(ctap, pin.protocol, token)
    sensor = bio.get_fingerprint_sensor_info()
    check(sensor[FPBioEnrollment.RESULT.MAX_SAMPLES_REQUIRED] == 4, "sensor info: 4 samples")
    enrollment = bio.enroll()
    feedback = []
    template = None
    while template is None:
        try:
            template = enrollment.capture()
            feedback.append("good, %d left" % enrollment.remaining)
        except CaptureError as e:
            feedback.append("%s, %d left" % (FPBioEnrollment.FEEDBACK(e.code).name, enrollment.remaining))
    check(feedback[0] == "FP_POOR_QUALITY, 4 left", "a bad sample: poor quality, nothing gained")
    check(feedback[-1] == "good, 0 left" and len(feedback) == 5, "four good samples enroll the finger")
    bio.set_name(template, "Left index")
    check(bio.enumerate_enrollments() == {template: "Left index"}, "enumerate + rename")
    info = ctap.get_info()
    check(info.options.get("bioEnroll") is True and info.options.get("uv") is True, "bioEnroll and uv true after enrollment")
    uv_token = ClientPin(ctap, PinProtocolV2()).get_uv_token(ClientPin.PERMISSION.GET_ASSERTION, "example.com")
    check(len(uv_token) == 32, "getPinUvAuthTokenUsingUvWithPermissions with the enrolled finger")
    token = pin.get_pin_token(PIN, ClientPin.PERMISSION.BIO_ENROLL)
    FPBioEnrollment(ctap, pin.protocol, token).remove_enrollment(template)
    check(ctap.get_info().options.get("uv") is False, "removing the last finger: uv false again")
    results["ok"] = True


def main():
    phase, port, root_pem = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(root_pem, "rb") as f:
        root_der = x509.load_pem_x509_certificate(f.read(), default_backend()).public_bytes(
            __import__("cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.DER
        )
    try:
        if phase == "setup":
            setup(port, root_der)
        elif phase == "builtin-uv":
            builtin_uv(port, root_der)
        elif phase == "ctap20":
            ctap20(port, root_der)
        elif phase == "ctap21pre":
            ctap21pre(port, root_der)
        elif phase == "bio":
            bio(port, root_der)
        else:
            reset(port)
    except Exception as e:  # report, then fail
        results["ok"] = False
        results["error"] = "%s: %s" % (type(e).__name__, e)
        print(json.dumps(results, default=str))
        sys.exit(1)
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
