#!/usr/bin/env python3
"""cmp_updated.py -- compare tsc-tag's output with upstream Telescope's updated BAM.

Usage: cmp_updated.py INPUT.sam OURS.sam UPSTREAM.sam[.gz] [options]
  (SAM text, no header needed: `samtools view` of each file)
Options:
  --counts TE_counts.tsv  check that the fragments kept as primary (YC vermilion) per feature
                          equal these counts (integer modes: exclude, choose, unique)
  --allow-draws           differences are allowed where only flag 0x100 and YC of a PRI record
                          differ (upstream's fresh choose draws, Q8); they are listed
  --expect-diffs N        exactly N records differ (with --allow-draws)
  --quiet

Checks:
 1. OURS has INPUT's records in INPUT's order; a record differs from its input record only in
    flag 0x100, MAPQ and the tags ZF, ZT, ZB, XP, YC; a record without ZT is unchanged.
 2. Every UPSTREAM record is found in OURS by its identity: every field and tag of the input
    record except flag 0x100 and MAPQ (upstream rewrites only those and the five tags), matched
    as a multiset (the k-th identical record with the k-th); and OURS tags exactly the read names
    that UPSTREAM holds (upstream writes only fragments with a locus, from tmp_tele.bam).
 3. On each matched pair: flag, MAPQ, ZF, ZT, ZB, XP, YC are equal.
Exit 0 if all hold, 1 otherwise (differences printed).
"""
import gzip
import sys
from collections import defaultdict, Counter

OURS_TAGS = ("ZF", "ZT", "ZB", "XP", "YC")
VERMILION = "217,95,2"


def read_sam(path):
    op = gzip.open if path.endswith(".gz") else open
    recs = []
    with op(path, "rt") as fp:
        for line in fp:
            if line.startswith("@"):
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 11:
                raise SystemExit("%s: bad SAM line: %r" % (path, line[:80]))
            tags = {}
            other = []
            for t in f[11:]:
                k = t[:2]
                if k in OURS_TAGS:
                    tags[k] = t[5:]
                else:
                    other.append(t)
            recs.append({"f": f, "flag": int(f[1]), "mapq": int(f[4]), "tags": tags, "other": other})
    return recs


def identity(r):
    f = r["f"]
    return (f[0], r["flag"] & ~0x100, f[2], f[3], f[5], f[6], f[7], f[8], f[9], f[10], tuple(r["other"]))


def values(r):
    return (r["flag"], r["mapq"]) + tuple(r["tags"].get(k) for k in OURS_TAGS)


def show(r):
    return "%s flag=%d mapq=%d %s" % (" ".join(r["f"][:4]), r["flag"], r["mapq"],
                                        " ".join("%s=%s" % (k, r["tags"].get(k)) for k in OURS_TAGS))


def main(argv):
    args = [a for a in argv[1:]]
    counts = None
    allow = False
    expect = None
    quiet = False
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--counts":
            counts = args[i + 1]; i += 2; continue
        if a == "--allow-draws":
            allow = True; i += 1; continue
        if a == "--expect-diffs":
            expect = int(args[i + 1]); i += 2; continue
        if a == "--quiet":
            quiet = True; i += 1; continue
        pos.append(a); i += 1
    if len(pos) != 3:
        raise SystemExit(__doc__)
    inp, ours, up = (read_sam(p) for p in pos)
    errors = []

    # 1. ours = input, in order, changed only where tagged
    if len(ours) != len(inp):
        errors.append("OURS has %d records, INPUT %d" % (len(ours), len(inp)))
    for k, (a, b) in enumerate(zip(inp, ours)):
        if "ZT" not in b["tags"]:
            if a["f"] != b["f"]:
                errors.append("record %d changed without a ZT tag: %s" % (k + 1, show(b)))
        elif identity(a) != identity(b) or a["tags"]:
            errors.append("record %d: more than flag 0x100, MAPQ and tags changed: %s" % (k + 1, show(b)))
        if len(errors) > 20:
            break

    # 2. match upstream's records in ours by identity
    pool = defaultdict(list)
    for k, r in enumerate(ours):
        pool[identity(r)].append(k)
    used = Counter()
    matched = []
    for r in up:
        key = identity(r)
        n = used[key]
        if n >= len(pool[key]):
            errors.append("UPSTREAM record not in OURS: %s" % show(r))
            continue
        used[key] += 1
        matched.append((r, ours[pool[key][n]]))
    up_names = set(r["f"][0] for r in up)
    our_names = set(r["f"][0] for r in ours if "ZT" in r["tags"])
    if up_names != our_names:
        errors.append("tagged read names differ: only upstream %s, only ours %s" % (
            sorted(up_names - our_names)[:10], sorted(our_names - up_names)[:10]))
    # every record of a tagged fragment in ours that upstream lacks must be an unmapped unit
    # (written unchanged by both): report the tagged ones
    matched_idx = set()
    for key, n in used.items():
        matched_idx.update(pool[key][:n])
    for k, r in enumerate(ours):
        if "ZT" in r["tags"] and k not in matched_idx:
            errors.append("OURS tagged record %d not in UPSTREAM: %s" % (k + 1, show(r)))

    # 3. values
    diffs = []
    for u, o in matched:
        if values(u) != values(o):
            only_draw = (u["tags"].get("ZT") == "PRI" and (u["flag"] ^ o["flag"]) == 0x100
                         and u["mapq"] == o["mapq"]
                         and all(u["tags"].get(k) == o["tags"].get(k) for k in ("ZF", "ZT", "ZB", "XP")))
            diffs.append((u, o, only_draw))
    for u, o, only_draw in diffs:
        if allow and only_draw:
            if not quiet:
                print("draw difference (Q8): upstream %s | ours %s" % (show(u), show(o)))
        else:
            errors.append("differs: upstream %s | ours %s" % (show(u), show(o)))
    if expect is not None and len(diffs) != expect:
        errors.append("%d records differ, expected %d" % (len(diffs), expect))

    # 4. kept primaries against TE_counts
    if counts:
        want = {}
        with open(counts) as fp:
            next(fp)
            for line in fp:
                name, c = line.rstrip("\n").split("\t")
                want[name] = int(c)
        kept = defaultdict(set)
        for r in ours:
            if r["tags"].get("YC") == VERMILION:
                kept[r["tags"]["ZF"]].add(r["f"][0])
        got = {k: len(v) for k, v in kept.items()}
        for name in sorted(set(want) | set(got)):
            if want.get(name, 0) != got.get(name, 0):
                errors.append("feature %s: %d fragments kept as primary in the BAM, TE_counts says %d"
                              % (name, got.get(name, 0), want.get(name, 0)))

    if not quiet or errors:
        print("%d input records, %d upstream records matched, %d differ%s" % (
            len(inp), len(matched), len(diffs), " (allowed: choose draws)" if allow and diffs else ""))
    for e in errors[:40]:
        print("ERROR:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
