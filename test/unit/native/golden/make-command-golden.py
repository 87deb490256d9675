#!/usr/bin/python3
"""Golden request bytes for the non-PIN CTAP2 commands from python-fido2 0.9.1 (an independent
encoder). Run: /usr/bin/python3 make-command-golden.py > command-golden.json"""
import hashlib, json
from fido2 import cbor
from fido2.ctap2 import base, config, credman, pin as pinmod
from fido2.hid import CAPABILITY

TOKEN = bytes(range(0x20, 0x40))
CDH = hashlib.sha256(b"client data").digest()
CRED = bytes.fromhex("0102030405060708090a0b0c0d0e0f10")
USER_ID = bytes.fromhex("781c7860ad88d26332622af1745dedb2")


class FakeDevice:
    capabilities = CAPABILITY.CBOR

    def __init__(self, options):
        self.info = {1: ["FIDO_2_0", "FIDO_2_1"], 3: b"\x11" * 16, 4: options, 6: [2, 1]}
        self.sent = []

    def call(self, cmd, data=b"", event=None, on_keepalive=None):
        self.sent.append(bytes(data))
        if data[0] == 0x04:
            return b"\x00" + cbor.encode(self.info)
        return b"\x00"


def capture(action, options=None):
    dev = FakeDevice(options or {"clientPin": True, "credMgmt": True, "authnrCfg": True, "pinUvAuthToken": True})
    ctap = base.Ctap2(dev)
    try:
        action(ctap)
    except Exception:
        pass
    return dev.sent[-1].hex()


out = {}
for proto in (pinmod.PinProtocolV1(), pinmod.PinProtocolV2()):
    v = proto.VERSION
    auth = proto.authenticate(TOKEN, CDH)
    out[f"makeCredential_p{v}"] = capture(lambda c: c.make_credential(
        CDH, {"id": "example.com", "name": "Example"},
        {"id": USER_ID, "name": "anna", "displayName": "Anna A"},
        [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -8}],
        exclude_list=[{"id": CRED, "type": "public-key"}],
        extensions={"credProtect": 2, "hmac-secret": True},
        options={"rk": True}, pin_uv_param=auth, pin_uv_protocol=v))
    out[f"getAssertion_p{v}"] = capture(lambda c: c.get_assertion(
        "example.com", CDH, allow_list=[{"id": CRED, "type": "public-key"}],
        pin_uv_param=auth, pin_uv_protocol=v))
    cm = lambda c: credman.CredentialManagement(c, proto, TOKEN)
    out[f"credMgmt_metadata_p{v}"] = capture(lambda c: cm(c).get_metadata())
    out[f"credMgmt_rpsBegin_p{v}"] = capture(lambda c: cm(c).enumerate_rps_begin())
    out[f"credMgmt_credsBegin_p{v}"] = capture(lambda c: cm(c).enumerate_creds_begin(hashlib.sha256(b"example.com").digest()))
    out[f"credMgmt_delete_p{v}"] = capture(lambda c: cm(c).delete_cred({"id": CRED, "type": "public-key"}))
    out[f"credMgmt_updateUser_p{v}"] = capture(lambda c: cm(c).update_user_info(
        {"id": CRED, "type": "public-key"}, {"id": USER_ID, "name": "anna2", "displayName": "Anna B"}))
    cfg = lambda c: config.Config(c, proto, TOKEN)
    out[f"config_toggleAlwaysUv_p{v}"] = capture(lambda c: cfg(c).toggle_always_uv())
    out[f"config_setMinPinLength_p{v}"] = capture(lambda c: cfg(c).set_min_pin_length(6, ["example.com"], True))
out["credMgmt_rpsNext"] = capture(lambda c: credman.CredentialManagement(c, pinmod.PinProtocolV2(), TOKEN).enumerate_rps_next())
out["credMgmt_credsNext"] = capture(lambda c: credman.CredentialManagement(c, pinmod.PinProtocolV2(), TOKEN).enumerate_creds_next())
out["credMgmtPreview_metadata_p1"] = capture(
    lambda c: credman.CredentialManagement(c, pinmod.PinProtocolV1(), TOKEN).get_metadata(),
    {"clientPin": True, "credentialMgmtPreview": True})
out["getAssertion_upFalse"] = capture(lambda c: c.get_assertion("example.com", CDH, options={"up": False}))
out["getNextAssertion"] = capture(lambda c: c.get_next_assertion())
out["reset"] = capture(lambda c: c.reset())
out["selection"] = capture(lambda c: c.selection())
out["getInfo"] = capture(lambda c: c.get_info())
out["inputs"] = {"token": TOKEN.hex(), "clientDataHash": CDH.hex(), "credentialId": CRED.hex(), "userId": USER_ID.hex()}
print(json.dumps(out, indent=1))
