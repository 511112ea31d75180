#!/usr/bin/env python3
"""make-hrec.py -- writes the hand-made HITS regression streams of tests/fuzz/regress/stream/
(records the text form cannot express).  Run from tests/fuzz/regress: python3 make-hrec.py"""
import struct, zlib

def s(x):
    b = x.encode()
    return struct.pack('<I', len(b)) + b

def uvar(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80); v >>= 7
    out.append(v)
    return bytes(out)

def svar(v):
    return uvar(((v << 1) ^ (v >> 63)) & (2**64 - 1))

def stream(records):
    hdr = struct.pack('<I', 2) + s('TE1') + struct.pack('<q', 100) + s('TE2') + struct.pack('<q', 200)
    hdr += struct.pack('<I', 0) + struct.pack('<I', 0)
    body = b'TSC\x01' + struct.pack('<III', 1, 1, 0) + struct.pack('<Q', len(hdr)) + hdr
    body += struct.pack('<IIQQ', 0x43455248, 1, len(records), len(records)) + records   # HREC, u8
    at = len(body)
    body += struct.pack('<IIQQ', 0x20444e45, 0, 1, at)                                   # END
    return body + struct.pack('<I', zlib.crc32(body)) + b'TSCE'

def rec(delta, name, maps):
    r = uvar(delta) + uvar(len(name)) + name + uvar(len(maps))
    for f, a, l in maps:
        r += uvar(f) + svar(a) + uvar(l)
    return r

cases = {
    # frag ordinal past INT64_MAX: the printer added deltas without a check (UB)
    'hrec-frag-overflow.bin': rec(2**63 - 2, b'r1', [(1, 10, 50)]) + rec(5, b'r2', [(1, 10, 50)]),
    # a NUL byte inside a fragment name (cut short by the decoder, unprintable as text)
    'hrec-name-nul.bin': rec(0, b'r\x001', [(1, 10, 50)]),
    # feature 7 with 2 features in the header: tsc-view printed it, then refused its own text
    'hrec-feature-range.bin': rec(0, b'r1', [(8, 10, 50)]),
    # AS past 32 bits
    'hrec-as-range.bin': rec(0, b'r1', [(1, 2**40, 50)]),
}
for name, records in cases.items():
    with open('stream/' + name, 'wb') as f:
        f.write(stream(records))
