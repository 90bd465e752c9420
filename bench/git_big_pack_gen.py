#!/usr/bin/env python3
"""A large history of real text, as a `git fast-import` stream: the "large
single pack" layout of issue 17 (bench/git_big_pack.sh repacks it).

Commit 0 holds every regular file under each SOURCE (as <name>/<relative
path>, <name> the source's base name). Each later commit, like a release,
edits a share (`--share`, default 0.2) of the text files: a few hunks per
file (a line changed, a line inserted from elsewhere in the file, a line
deleted), cumulative from release to release, so every edited file is a new
blob version that deltas against its previous one. Commits are added until
the blob bytes written reach `--target` (default 8e9; files repeated in the
tree count once in git's figure, which bench/git_big_pack.sh prints).

  bench/git_big_pack_gen.py --target 8e9 SOURCE... | git fast-import --quiet

Deterministic for given sources and seed. Holds the edited versions in
memory (up to the size of the sources).
"""
import argparse
import os
import random
import sys


def list_files(sources, max_size):
    files = []
    for src in sources:
        name = os.path.basename(os.path.normpath(src))
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            for f in sorted(filenames):
                p = os.path.join(dirpath, f)
                if not os.path.isfile(p) or os.path.islink(p):
                    continue
                size = os.path.getsize(p)
                if size == 0 or size > max_size:
                    continue
                rel = os.path.relpath(p, src)
                if "\n" in rel or rel.startswith('"'):
                    continue
                files.append((name + "/" + rel, p))
    return files


def edit(data, rng, release):
    """A few hunks, as a release changes a file."""
    hunks = 1 + min(6, len(data) // 8192) + rng.randrange(3)
    for _ in range(hunks):
        if not data:
            break
        at = data.rfind(b"\n", 0, rng.randrange(len(data))) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end + 1
        line = data[at:end]
        op = rng.randrange(3)
        if op == 0:  # change: a word in the line, or a new line
            words = line.split(b" ")
            if len(words) > 1:
                words[rng.randrange(len(words))] = b"r%d_%d" % (
                    release, rng.randrange(1 << 20))
                new = b" ".join(words)
                if not new.endswith(b"\n"):
                    new += b"\n"
            else:
                new = b"\t/* release %d */\n" % release + line
            data = data[:at] + new + data[end:]
        elif op == 1:  # insert a line taken from elsewhere in the file
            src = data.rfind(b"\n", 0, rng.randrange(len(data))) + 1
            send = data.find(b"\n", src)
            send = len(data) if send < 0 else send + 1
            data = data[:at] + data[src:send] + data[at:]
        else:  # delete
            data = data[:at] + data[end:]
    return data


def is_text(data):
    return b"\0" not in data[:8192]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--target", type=float, default=8e9)
    ap.add_argument("--share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--max-file", type=int, default=8 << 20)
    a = ap.parse_args()
    out = sys.stdout.buffer
    rng = random.Random(a.seed)
    files = list_files(a.sources, a.max_file)
    current = {}  # index -> edited content
    written = 0
    date = 1600000000

    def emit_commit(release, changes):
        nonlocal written
        msg = b"release %d\n" % release
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.org> %d +0000\n" %
                  (date + release * 86400))
        out.write(b"data %d\n%s" % (len(msg), msg))
        for path, data in changes:
            out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
            out.write(data)
            out.write(b"\n")
            written += len(data)
        out.write(b"\n")

    def first():
        for path, p in files:
            with open(p, "rb") as fh:
                yield path, fh.read()

    emit_commit(0, first())
    print(f"release 0: {len(files)} files, {written / 1e9:.2f} GB",
          file=sys.stderr)
    release = 0
    text = None
    while written < a.target:
        release += 1
        if text is None:
            text = []
            for i, (_, p) in enumerate(files):
                with open(p, "rb") as fh:
                    if is_text(fh.read(8192)):
                        text.append(i)
        picked = sorted(rng.sample(text, int(len(text) * a.share)))

        def changes():
            for i in picked:
                data = current.get(i)
                if data is None:
                    with open(files[i][1], "rb") as fh:
                        data = fh.read()
                data = edit(data, rng, release)
                current[i] = data
                yield files[i][0], data
                if written >= a.target:
                    return

        emit_commit(release, changes())
        print(f"release {release}: {len(picked)} files edited, "
              f"{written / 1e9:.2f} GB", file=sys.stderr)


if __name__ == "__main__":
    main()
