#!/usr/bin/env python3
"""Inputs for bench/scale_bench.sh (deterministic for a seed).

  scale_gen.py inventory N OUT.json   N credentials, one fingerprint each
  scale_gen.py csv N OUT.csv          a password-manager export of N rows
  scale_gen.py stdin N                N lines, one GitHub token each, on stdout
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_secrets  # noqa: E402


def inventory(n, out, rng):
    creds = []
    for i in range(n):
        creds.append({
            "id": f"cred-{i:06d}",
            "name": f"Service {i} - production",
            "owner": f"team-{i % 97}",
            "environment": "production",
            "systems": [f"system-{i % 311}"],
            "identifiers": [f"acct-{i:06d}"],
            "created": "2025-01-01",
            "status": "active",
            "fingerprints": [{
                "value": "hmac-sha256:%064x" % rng.getrandbits(256),
                "hint": "…%04d" % (i % 10000),
                "added": "2025-01-01",
            }],
        })
    # Shuffled: a file edited by hand is not sorted by id.
    rng.shuffle(creds)
    doc = {"schema_version": 1, "keyed_by": "salt",
           "salt": "%064x" % rng.getrandbits(256), "credentials": creds}
    with open(out, "w") as f:
        json.dump(doc, f)


def csv_rows(n, out, rng):
    with open(out, "w") as f:
        f.write("name,url,username,password,notes\n")
        for i in range(n):
            pw = corpus_secrets.rand(rng, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24)
            f.write(f"Site {i},https://site{i}.example.org/login,user{i},{pw},row {i}\n")


def stdin_lines(n, rng):
    out = sys.stdout
    for i in range(n):
        out.write(f"{i} request token={corpus_secrets.t_github_classic(rng)[0]}\n")


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(1400 + n)
    if kind == "inventory":
        inventory(n, sys.argv[3], rng)
    elif kind == "csv":
        csv_rows(n, sys.argv[3], rng)
    elif kind == "stdin":
        stdin_lines(n, rng)
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
