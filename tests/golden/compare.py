#!/usr/bin/env python3
"""compare.py -- compare a tsc output table with upstream Telescope's.

usage: compare.py counts|stats EXPECTED ACTUAL

Byte-identical is the goal. Otherwise: text and integer fields must be identical, and float fields
may differ by at most 1e-9 relative (spec 12: libm's expm1/log1p vs numpy's SIMD kernels); each such
difference is printed as a NOTE. run_stats: the value of `version:` is ignored.
Exit 0 when the tables agree under these rules, 1 otherwise."""
import re
import sys

REL = 1e-9


def fields(text):
    return [line.split("\t") for line in text.split("\n")]


def is_float(s):
    return re.fullmatch(r"-?(\d+\.\d*(e[-+]\d+)?|\d+e[-+]\d+|inf|nan)", s) is not None


def main():
    kind, exp_path, act_path = sys.argv[1:4]
    exp = open(exp_path, encoding="utf-8", newline="").read()
    act = open(act_path, encoding="utf-8", newline="").read()
    if kind == "stats":
        exp = re.sub(r"version:[^\t]*", "version:X", exp, count=1)
        act = re.sub(r"version:[^\t]*", "version:X", act, count=1)
    if exp == act:
        return 0
    e, a = fields(exp), fields(act)
    bad = 0
    if len(e) != len(a):
        print(f"{act_path}: {len(a)} lines, expected {len(e)}")
        return 1
    for ln, (er, ar) in enumerate(zip(e, a), 1):
        if len(er) != len(ar):
            print(f"{act_path}:{ln}: {len(ar)} fields, expected {len(er)}: {ar!r} vs {er!r}")
            bad = 1
            continue
        for ef, af in zip(er, ar):
            if ef == af:
                continue
            if is_float(ef) and is_float(af):
                x, y = float(ef), float(af)
                if abs(x - y) <= REL * max(abs(x), abs(y)):
                    print(f"NOTE {act_path}:{ln}: float {af} vs upstream {ef} (last digits; libm vs numpy)")
                    continue
            print(f"{act_path}:{ln}: '{af}' differs from upstream '{ef}'")
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
