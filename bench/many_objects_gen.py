#!/usr/bin/env python3
"""A history of many small distinct blobs, as a `git fast-import` stream: the
per-object memory of `keyward scan --git` measured apart from blob sizes.

Commit c adds `--per-commit` new files under its own directory (c<N>/d<k>/,
100 files a directory), each a few distinct lines (some words of real-looking
text and a counter), so objects grow with the commit count while trees stay
small. Used by bench/git_layouts.sh (MANY=N blobs).

  bench/many_objects_gen.py --blobs 1000000 | git fast-import --quiet
"""
import argparse
import sys

WORDS = ("static int window pane client session layout format option key "
         "buffer grid screen cell line status tty input output cmd").split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--blobs", type=int, default=1000000)
    ap.add_argument("--per-commit", type=int, default=2500)
    a = ap.parse_args()
    out = sys.stdout.buffer
    n = 0
    commit = 0
    date = 1600000000
    while n < a.blobs:
        files = []
        for i in range(min(a.per_commit, a.blobs - n)):
            text = "".join(
                f"{WORDS[(n * 7 + j) % len(WORDS)]} {n} {j} "
                f"{WORDS[(n * 13 + j * 5) % len(WORDS)]}\n" for j in range(4))
            data = text.encode()
            out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (n + 1, len(data), data))
            files.append((f"c{commit}/d{i // 100}/f{i}.txt", n + 1))
            n += 1
        msg = f"commit {commit}".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.org> %d +0000\n" % (date + commit))
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for path, mark in files:
            out.write(b"M 100644 :%d %s\n" % (mark, path.encode()))
        out.write(b"\n")
        commit += 1


if __name__ == "__main__":
    main()
