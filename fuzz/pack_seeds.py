#!/usr/bin/env python3
"""Splits a git pack into seeds for the pack fuzz targets.

pack_seeds.py PACK.idx PACK.pack OUT writes
  OUT/pack_reader/<name>  4-byte little-endian index length, index, pack
  OUT/pack_index/<name>   the index
  OUT/pack_entry/<name>   the pack
  OUT/delta/<name>-N      2-byte base length, base, delta (each delta entry)
  OUT/tree/<name>-N       the same for deltas between trees, and each tree
"""
import os
import struct
import sys
import zlib


def entries(pack):
    """Yields (offset, type, payload, base_offset) for every entry."""
    (count,) = struct.unpack(">I", pack[8:12])
    pos = 12
    for _ in range(count):
        start = pos
        c = pack[pos]
        pos += 1
        kind = (c >> 4) & 7
        while c & 0x80:
            c = pack[pos]
            pos += 1
        base = None
        if kind == 6:  # OFS_DELTA
            c = pack[pos]
            pos += 1
            rel = c & 0x7F
            while c & 0x80:
                c = pack[pos]
                pos += 1
                rel = ((rel + 1) << 7) | (c & 0x7F)
            base = start - rel
        elif kind == 7:  # REF_DELTA: not resolved here
            pos += 20
        d = zlib.decompressobj()
        payload = d.decompress(pack[pos:])
        pos = len(pack) - len(d.unused_data)
        yield start, kind, payload, base


def apply_delta(base, delta):
    def varint(p):
        v = s = 0
        while True:
            c = delta[p]
            p += 1
            v |= (c & 0x7F) << s
            s += 7
            if not c & 0x80:
                return v, p

    _, p = varint(0)
    _, p = varint(p)
    out = bytearray()
    while p < len(delta):
        c = delta[p]
        p += 1
        if c & 0x80:
            off = size = 0
            for i in range(4):
                if c & (1 << i):
                    off |= delta[p] << (8 * i)
                    p += 1
            for i in range(3):
                if c & (0x10 << i):
                    size |= delta[p] << (8 * i)
                    p += 1
            out += base[off:off + (size or 0x10000)]
        else:
            out += delta[p:p + c]
            p += c
    return bytes(out)


def main():
    idx_path, pack_path, out = sys.argv[1:4]
    idx = open(idx_path, "rb").read()
    pack = open(pack_path, "rb").read()
    name = os.path.basename(pack_path)[5:17]
    for target in ("pack_reader", "pack_index", "pack_entry", "delta", "tree"):
        os.makedirs(os.path.join(out, target), exist_ok=True)

    def write(target, suffix, data):
        with open(os.path.join(out, target, name + suffix), "wb") as f:
            f.write(data)

    write("pack_reader", "", struct.pack("<I", len(idx)) + idx + pack)
    write("pack_index", "", idx)
    write("pack_entry", "", pack)
    content, kinds = {}, {}
    n = 0
    for offset, kind, payload, base in entries(pack):
        if kind == 6 and base in content:
            b = content[base]
            content[offset] = apply_delta(b, payload)
            kinds[offset] = kinds[base]
            if len(b) < 65536 and n < 40:
                seed = struct.pack("<H", len(b)) + b + payload
                write("tree" if kinds[base] == 2 else "delta", "-%d" % n, seed)
                n += 1
        elif kind in (1, 2, 3, 4):
            content[offset] = payload
            kinds[offset] = kind
            if kind == 2 and len(payload) < 65536 and n < 40:
                write("tree", "-%d" % n, struct.pack("<H", len(payload)) + payload)
                n += 1


if __name__ == "__main__":
    main()
