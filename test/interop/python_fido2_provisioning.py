"""Independent check of keystation-provision's output with python-fido2 0.9.1 (docs/PROVISIONING.md).

usage: python3 python_fido2_provisioning.py <registrations.jsonl> <options.jsonl> <root-ca.pem>

Each line of registrations.jsonl (`{userId, upn, body}`) is verified with Fido2Server for rp
`login.microsoftonline.com` against the challenge the provider issued for that person (from the
options file), origin https://login.microsoftonline.com, UV required, packed attestation
chaining to the given root; the credential must be discoverable-ready (credProtect 1 and
hmac-secret in the authenticator data, as the provider's options ask). Prints one JSON object on
the last line; exits non-zero on the first failure.
"""
import base64
import json
import sys

from cryptography import x509
from cryptography.hazmat.backends import default_backend
from fido2.ctap2 import AttestationObject
from fido2.client import ClientData
from fido2.server import AttestationVerifier, Fido2Server
from fido2.webauthn import PublicKeyCredentialRpEntity

RP = PublicKeyCredentialRpEntity("login.microsoftonline.com", "Microsoft")


def d(s):
    if "=" in s or "+" in s or "/" in s:
        raise AssertionError("not strict Base64URL: %r" % s[:20])
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class RootVerifier(AttestationVerifier):
    def __init__(self, root_der):
        super().__init__()
        self.root_der = root_der

    def ca_lookup(self, attestation_result, auth_data):
        return [self.root_der]


def main():
    regs_path, options_path, root_path = sys.argv[1:4]
    root = x509.load_pem_x509_certificate(open(root_path, "rb").read(), default_backend())
    from cryptography.hazmat.primitives.serialization import Encoding

    root_der = root.public_bytes(Encoding.DER)
    challenges = {}
    for line in open(options_path):
        if line.strip():
            o = json.loads(line)
            challenges[o["upn"]] = o["publicKey"]["challenge"]
    server = Fido2Server(RP, attestation="direct", verify_attestation=RootVerifier(root_der))
    verified = []
    for line in open(regs_path):
        if not line.strip():
            continue
        r = json.loads(line)
        pkc = r["body"]["publicKeyCredential"]
        client_data = ClientData(d(pkc["response"]["clientDataJSON"]))
        att = AttestationObject(d(pkc["response"]["attestationObject"]))
        state = {"challenge": challenges[r["upn"]], "user_verification": "required"}
        auth_data = server.register_complete(state, client_data, att)
        cred = auth_data.credential_data
        if base64.urlsafe_b64encode(cred.credential_id).decode().rstrip("=") != pkc["id"]:
            raise AssertionError("credential id differs from the attested one")
        ext = auth_data.extensions or {}
        if ext.get("credProtect") != 1 or ext.get("hmac-secret") is not True:
            raise AssertionError("extensions: %r" % ext)
        if client_data.get("crossOrigin") not in (None, False):
            raise AssertionError("crossOrigin set")
        verified.append(r["upn"])
    print(json.dumps({"ok": True, "verified": verified}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - one JSON line either way
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)
