#!/usr/bin/env python3
"""Generates a realistic git history as a `git fast-import` stream on stdout.

Real text (C headers from /usr/include) is committed, then mutated over many
commits: lines edited, blocks moved in from other files, files added, renamed
and deleted, on main and a few merged topic branches. A handful of commits
plant a fake GitHub token (valid checksum, generated from the seed) that a
later commit removes, so `keyward scan --git` has something to find in history.

  bench/git_history_gen.py --commits 3000 --seed 1 | git fast-import --quiet
"""
import argparse
import os
import random
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def fake_token(rng):
    body = "".join(rng.choice(BASE62) for _ in range(30))
    crc = zlib.crc32(body.encode())
    check = ""
    while crc:
        check = BASE62[crc % 62] + check
        crc //= 62
    return "ghp_" + body + check.rjust(6, "0")


def corpus(root, max_files, rng):
    paths = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith((".h", ".hpp", ".def", ".inc")):
                p = os.path.join(d, f)
                try:
                    if 200 < os.path.getsize(p) < 256 * 1024:
                        paths.append(p)
                except OSError:
                    pass
    paths.sort()
    rng.shuffle(paths)
    out = {}
    for p in paths[:max_files]:
        with open(p, "rb") as fh:
            data = fh.read()
        if b"\0" in data:
            continue
        out["src/" + os.path.relpath(p, root)] = data.decode("latin-1").split("\n")
    return out


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.time = 1600000000

    def commit(self, branch, message, changes, parents=()):
        self.mark += 1
        self.time += 3600
        w = self.out.write
        w(f"commit refs/heads/{branch}\nmark :{self.mark}\n")
        w(f"author Bench Dev <dev@bench.test> {self.time} +0000\n")
        w(f"committer Bench Dev <dev@bench.test> {self.time} +0000\n")
        msg = message.encode()
        w(f"data {len(msg)}\n")
        self.out.flush()
        self.out.buffer.write(msg + b"\n")
        for i, p in enumerate(parents):
            w(("from" if i == 0 else "merge") + f" :{p}\n")
        for path, lines in changes:
            if lines is None:
                w(f"D {path}\n")
                continue
            data = "\n".join(lines).encode("latin-1")
            w(f"M 100644 inline {path}\ndata {len(data)}\n")
            self.out.flush()
            self.out.buffer.write(data + b"\n")
        w("\n")
        return self.mark


def mutate(lines, files, rng):
    lines = list(lines)
    op = rng.random()
    if op < 0.5 and lines:  # edit a few lines
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(lines))
            lines[i] = lines[i] + "  /* rev %d */" % rng.randrange(1 << 30)
    elif op < 0.8:  # pull a block in from another file
        other = files[rng.choice(list(files))]
        a = rng.randrange(max(1, len(other)))
        block = other[a:a + rng.randint(5, 80)]
        i = rng.randrange(len(lines) + 1)
        lines[i:i] = block
    else:  # delete a block
        if len(lines) > 20:
            a = rng.randrange(len(lines) - 10)
            del lines[a:a + rng.randint(1, 10)]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--changes", type=int, default=8, help="files per commit")
    ap.add_argument("--secrets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root", default="/usr/include")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = corpus(args.root, args.files * 2, rng)
    names = sorted(pool)
    live = {n: pool[n] for n in names[: args.files]}
    spare = names[args.files:]
    s = Stream(sys.stdout)
    head = s.commit("main", "initial import", sorted(live.items()))
    plant_at = set(rng.sample(range(1, args.commits), min(args.secrets, args.commits - 1)))
    planted = []  # (path) to clean later
    topic = None
    for c in range(1, args.commits):
        changes = []
        for _ in range(args.changes):
            n = rng.choice(list(live))
            live[n] = mutate(live[n], live, rng)
            changes.append((n, live[n]))
        r = rng.random()
        if r < 0.05 and spare:
            n = spare.pop()
            live[n] = pool[n]
            changes.append((n, live[n]))
        elif r < 0.08 and len(live) > 100:
            n = rng.choice(list(live))
            del live[n]
            changes.append((n, None))
        if c in plant_at:
            n = rng.choice(list(live))
            i = rng.randrange(len(live[n]) + 1)
            live[n] = live[n][:i] + ['#define GH_TOKEN "%s"' % fake_token(rng)] + live[n][i:]
            changes.append((n, live[n]))
            planted.append(n)
        elif planted and rng.random() < 0.3:
            n = planted.pop()
            if n in live:
                live[n] = [l for l in live[n] if "GH_TOKEN" not in l]
                changes.append((n, live[n]))
        # Every 200 commits a topic branch of the next commits is merged.
        if c % 200 == 0:
            topic = s.commit("topic", "topic work %d" % c, changes, [head])
            head = s.commit("main", "merge topic %d" % c, changes, [head, topic])
        else:
            head = s.commit("main", "change %d" % c, changes, [head])
    sys.stderr.write("planted %d secrets in %d commits\n" % (len(plant_at), args.commits))


if __name__ == "__main__":
    main()
