#!/usr/bin/env python3
"""Recall and false positives of `keyward scan --format jsonl` against truth.jsonl.

    keyward scan --format jsonl CORPUS/tree > findings.jsonl
    bench/recall.py --truth CORPUS/truth.jsonl --findings findings.jsonl [--root CORPUS/tree]

A finding credits a planted record when it is in the same file and either its
line falls inside the record's [line, end_line] or its fingerprint equals the
record's fingerprint or one of its alternates (e.g. an AWS pair may be
reported on the key-id line; a private key may be fingerprinted as the whole
block or the body). "fp-exact" counts findings whose fingerprint is the
planted value itself, which shows whether rules capture the right bytes.

Findings on decoys (expected: false) are false positives by decoy kind;
findings matching no record are "unplanned" (the background text was filtered
of credential-like lines, so these are false positives too) and are listed by
rule with a few sample locations. A second finding on an already credited
secret is a duplicate (e.g. a generic rule firing beside a specific one).
"""

import argparse
import collections
import json
import os
import sys


def load_jsonl(path):
    f = sys.stdin if path == "-" else open(path)
    with f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"recall: {path}:{n}: not JSON: {e}")


def norm_path(p, root):
    if root and os.path.isabs(p) and p.startswith(root):
        p = os.path.relpath(p, root)
    elif root and p.startswith(root.rstrip("/") + "/"):
        p = p[len(root.rstrip("/")) + 1:]
    while p.startswith("./"):
        p = p[2:]
    return p


def match(finding, by_path, root, credited):
    """Best truth record for a finding, or None, and whether its fingerprint matched."""
    recs = by_path.get(norm_path(finding.get("path", ""), root), [])
    line, fpr = finding.get("line", 0), finding.get("fingerprint", "")
    best, best_score = None, -1
    for r in recs:
        fp_hit = fpr == r["fingerprint"] or fpr in r["alt_fingerprints"]
        in_span = r["line"] <= line <= r["end_line"]
        if not (fp_hit or in_span):
            continue
        # A fingerprint hit decides; then real secrets over decoys, then records
        # not yet credited (a minified line can hold several plants).
        score = (8 if fp_hit else 0) + (4 if r["expected"] else 0) + \
                (2 if r["_id"] not in credited else 0) + (1 if in_span else 0)
        if score > best_score:
            best, best_score = r, score
    return best


def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def main():
    ap = argparse.ArgumentParser(description="Recall/false positives of keyward findings vs truth.")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--findings", required=True, help="keyward jsonl output, or - for stdin")
    ap.add_argument("--root", default="", help="scanned directory, stripped from finding paths")
    ap.add_argument("--samples", type=int, default=3, help="sample locations per unplanned rule")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    args = ap.parse_args()
    root = os.path.abspath(args.root) if args.root and os.path.isabs(args.root) else args.root

    truth = list(load_jsonl(args.truth))
    by_path = collections.defaultdict(list)
    for i, r in enumerate(truth):
        r["_id"] = i
        by_path[r["path"]].append(r)

    credited = {}  # truth id -> (rule_id, fp_exact)
    decoy_hits = collections.Counter()
    decoy_rules = collections.defaultdict(collections.Counter)
    unplanned = collections.defaultdict(list)
    duplicates = collections.Counter()
    n_findings = 0
    for f in load_jsonl(args.findings):
        n_findings += 1
        r = match(f, by_path, root, credited)
        rule = f.get("rule_id", "?")
        if r is None:
            unplanned[rule].append(f"{norm_path(f.get('path', ''), root)}:{f.get('line')}")
        elif not r["expected"]:
            decoy_hits[r["_id"]] += 1
            decoy_rules[r["kind"]][rule] += 1
        elif r["_id"] in credited:
            duplicates[(credited[r["_id"]][0], rule)] += 1
        else:
            credited[r["_id"]] = (rule, f.get("fingerprint") == r["fingerprint"])

    kinds = collections.defaultdict(lambda: {"planted": 0, "found": 0, "fp_exact": 0,
                                             "rules": collections.Counter()})
    for r in truth:
        k = kinds[r["kind"]]
        k["planted"] += 1
        if r["expected"] and r["_id"] in credited:
            rule, exact = credited[r["_id"]]
            k["found"] += 1
            k["fp_exact"] += exact
            k["rules"][rule] += 1
        elif not r["expected"] and r["_id"] in decoy_hits:
            k["found"] += 1

    true_kinds = sorted(k for k in kinds if not k.startswith("decoy."))
    decoy_kinds = sorted(k for k in kinds if k.startswith("decoy."))
    print(f"{'planted secret kind':34} {'planted':>7} {'found':>6} {'recall':>7} {'fp-exact':>8}  rules")
    for k in true_kinds:
        v = kinds[k]
        rules = ",".join(f"{r}" + (f"x{c}" if len(v["rules"]) > 1 else "")
                         for r, c in v["rules"].most_common(3))
        print(f"{k:34} {v['planted']:7} {v['found']:6} {pct(v['found'], v['planted']):>7} "
              f"{v['fp_exact']:8}  {rules or '-- MISSED --'}")
    planted = sum(kinds[k]["planted"] for k in true_kinds)
    found = sum(kinds[k]["found"] for k in true_kinds)
    print(f"{'ALL SECRETS':34} {planted:7} {found:6} {pct(found, planted):>7}")
    print()
    print(f"{'decoy kind (must not be reported)':34} {'planted':>7} {'hit':>6} {'FP rate':>7}  rules")
    for k in decoy_kinds:
        v = kinds[k]
        rules = ",".join(f"{r}x{c}" for r, c in decoy_rules[k].most_common(3))
        print(f"{k:34} {v['planted']:7} {v['found']:6} {pct(v['found'], v['planted']):>7}  {rules}")
    dplanted = sum(kinds[k]["planted"] for k in decoy_kinds)
    dhit = sum(kinds[k]["found"] for k in decoy_kinds)
    print(f"{'ALL DECOYS':34} {dplanted:7} {dhit:6} {pct(dhit, dplanted):>7}")
    print()
    n_unplanned = sum(len(v) for v in unplanned.values())
    print(f"unplanned findings (background text): {n_unplanned}")
    for rule, locs in sorted(unplanned.items(), key=lambda kv: -len(kv[1])):
        print(f"  {rule:40} {len(locs):6}  e.g. {', '.join(locs[:args.samples])}")
    n_dup = sum(duplicates.values())
    print(f"duplicate findings on a credited secret: {n_dup}")
    for (first, second), c in duplicates.most_common(8):
        print(f"  {second} beside {first}: {c}")
    fp_total = sum(decoy_hits.values()) + n_unplanned
    precision = found / (found + fp_total) if found + fp_total else 0.0
    print()
    print(f"findings: {n_findings}  recall: {pct(found, planted).strip()}  "
          f"false positives: {fp_total} (decoys {sum(decoy_hits.values())}, unplanned {n_unplanned})  "
          f"precision: {100 * precision:.1f}%")
    if args.json:
        out = {"findings": n_findings, "planted": planted, "found": found,
               "recall": found / planted if planted else 0.0, "false_positives": fp_total,
               "decoy_hits": sum(decoy_hits.values()), "unplanned": n_unplanned,
               "duplicates": n_dup, "precision": precision,
               "by_kind": {k: {"planted": v["planted"], "found": v["found"], "fp_exact": v["fp_exact"]}
                           for k, v in sorted(kinds.items())},
               "unplanned_by_rule": {r: len(l) for r, l in sorted(unplanned.items())}}
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
