"""A python-fido2 (0.9.x) CTAPHID connection over UDP to the Keystation virtual key.

One datagram = one 64-byte report without report ID, as the virtual key's UDP server expects.
"""
import socket

from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor

REPORT_SIZE = 64


class UdpCtapHidConnection(CtapHidConnection):
    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect((host, port))
        self.sock.settimeout(timeout)

    def write_packet(self, data):
        if len(data) != REPORT_SIZE:
            raise ValueError("report must be 64 bytes")
        self.sock.send(data)

    def read_packet(self):
        return self.sock.recv(REPORT_SIZE)

    def close(self):
        self.sock.close()


def open_udp_device(port, host="127.0.0.1"):
    descriptor = HidDescriptor("udp:%s:%d" % (host, port), 0x1209, 0x000A, REPORT_SIZE, REPORT_SIZE)
    return CtapHidDevice(descriptor, UdpCtapHidConnection(host, port))
