#!/usr/bin/env python3
"""A tree-heavy history, as a `git fast-import` stream: the shape of a large
project's history, where memory goes to trees and their entries rather than
to blobs.

A first commit holds a source tree of ~80,000 files in ~2,500 directories
(up to 5 deep, 5-60 files each, names like a C project's); each of
`--commits` later commits edits `--files` random files (one short line each).
So every commit writes new versions of the trees along the edited paths
(each a few dozen to a few hundred entries), and the distinct trees and their
entries grow with the commit count, as in a real project's history, while
blob bytes stay small. Deterministic (fixed seed). Used by
bench/git_layouts.sh (WIDE=N commits).

  bench/wide_history_gen.py --commits 100000 | git fast-import --quiet
"""
import argparse
import random
import sys

STEMS = ("core mem net fs sched irq dma pci usb gpio clk power video sound "
         "crypto block init ipc lib mm kernel tools driver bus phy spi i2c "
         "serial tty input hid scsi ata nvme rtc watchdog timer").split()
EXTS = (".c", ".h", ".c", ".c", ".h", ".S", ".txt", "")


def make_paths(rng, want):
    paths = []

    def fill(prefix, depth):
        for f in range(rng.randint(5, 60)):
            name = f"{rng.choice(STEMS)}_{rng.choice(STEMS)}{f}{rng.choice(EXTS)}"
            paths.append(prefix + name)
        if depth < 5:
            for d in range(rng.randint(0, 5 if depth > 1 else 20)):
                fill(f"{prefix}{rng.choice(STEMS)}{d}/", depth + 1)

    while len(paths) < want:
        fill(f"{rng.choice(STEMS)}{len(paths)}/", 1)
    return sorted(set(paths))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=100000)
    ap.add_argument("--files", type=int, default=2, help="files per commit")
    ap.add_argument("--tree-files", type=int, default=80000)
    a = ap.parse_args()
    rng = random.Random(17)
    paths = make_paths(rng, a.tree_files)
    out = sys.stdout.buffer
    date = 1600000000

    def data(text):
        d = text.encode()
        out.write(b"data %d\n%s\n" % (len(d), d))

    def commit(c, changes):
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.org> %d +0000\n" % (date + c))
        data(f"commit {c}")
        for path, text in changes:
            out.write(b"M 100644 inline %s\n" % path.encode())
            data(text)
        out.write(b"\n")

    commit(0, ((p, f"{p} version 0\n") for p in paths))
    for c in range(1, a.commits + 1):
        commit(c, ((p, f"{p} version {c}\n")
                   for p in (rng.choice(paths) for _ in range(a.files))))
    print(f"wide_history_gen: {len(paths)} files, {a.commits} commits",
          file=sys.stderr)


if __name__ == "__main__":
    main()
