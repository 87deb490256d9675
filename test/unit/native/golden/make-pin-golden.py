#!/usr/bin/python3
"""Golden clientPIN requests from an independent client (python-fido2 0.9.1, Debian 12).

Randomness is one deterministic byte stream shared by the ephemeral ECDH scalar (32 bytes)
and the protocol-2 IVs (16 bytes each), consumed in call order — the same stream the TS
tests feed to our client's `randomBytes` seam. Run: /usr/bin/python3 make-pin-golden.py > pin-golden.json
"""
import json, os
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.backends import default_backend
from fido2 import cbor
from fido2.ctap2 import base, pin as pinmod
from fido2.hid import CAPABILITY


class Stream:
    def __init__(self):
        self.i = 0

    def take(self, n):
        out = bytes(((self.i + k) * 7 + 1) % 256 for k in range(n))
        self.i += n
        return out


AUTH_SCALAR = int.from_bytes(bytes(range(0x40, 0x60)), "big")
auth_sk = ec.derive_private_key(AUTH_SCALAR, ec.SECP256R1(), default_backend())
pn = auth_sk.public_key().public_numbers()
AUTH_COSE = {1: 2, 3: -25, -1: 1, -2: pn.x.to_bytes(32, "big"), -3: pn.y.to_bytes(32, "big")}


def info(protocols, token_perms):
    return {1: ["FIDO_2_0", "FIDO_2_1"], 3: b"\x11" * 16,
            4: {"clientPin": True, "pinUvAuthToken": token_perms}, 6: protocols}


class FakeDevice:
    capabilities = CAPABILITY.CBOR

    def __init__(self, info_map):
        self.info = info_map
        self.sent = []

    def call(self, cmd, data=b"", event=None, on_keepalive=None):
        self.sent.append(bytes(data))
        if data[0] == 0x04:
            return b"\x00" + cbor.encode(self.info)
        req = cbor.decode(data[1:])
        if req[2] == 0x02:
            return b"\x00" + cbor.encode({1: AUTH_COSE})
        if req[2] in (0x05, 0x09):
            return b"\x00" + cbor.encode({2: b"\x00" * (48 if req[1] == 2 else 32)})
        return b"\x00"


def run(protocol, token_perms, action):
    stream = Stream()
    orig_gen, orig_urandom = ec.generate_private_key, os.urandom
    ec.generate_private_key = lambda curve, be=None: ec.derive_private_key(
        int.from_bytes(stream.take(32), "big"), curve, default_backend())
    pinmod.os.urandom = lambda n: stream.take(n)
    try:
        dev = FakeDevice(info([protocol], token_perms))
        ctap = base.Ctap2(dev)
        cp = pinmod.ClientPin(ctap, pinmod.PinProtocolV2() if protocol == 2 else pinmod.PinProtocolV1())
        try:
            action(cp)
        except Exception:
            pass  # the fake token does not validate; the request is what we want
        return dev.sent[-1].hex()
    finally:
        ec.generate_private_key, pinmod.os.urandom = orig_gen, orig_urandom


out = {"authenticatorKeyAgreement": {"x": AUTH_COSE[-2].hex(), "y": AUTH_COSE[-3].hex()}}
for proto in (1, 2):
    out[f"p{proto}"] = {
        "setPin": run(proto, True, lambda cp: cp.set_pin("1234")),
        "changePin": run(proto, True, lambda cp: cp.change_pin("1234", "ünïcødé-PIN")),
        "getPinToken": run(proto, False, lambda cp: cp.get_pin_token("1234")),
        "getPinUvAuthTokenUsingPinWithPermissions": run(
            proto, True, lambda cp: cp.get_pin_token("1234", pinmod.ClientPin.PERMISSION.MAKE_CREDENTIAL | pinmod.ClientPin.PERMISSION.GET_ASSERTION, "example.com")),
        "getRetries": run(proto, True, lambda cp: cp.get_pin_retries()),
        "getKeyAgreement": run(proto, True, lambda cp: cp._get_shared_secret()),
    }
print(json.dumps(out, indent=1))
