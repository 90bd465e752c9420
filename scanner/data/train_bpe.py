#!/usr/bin/env python3
"""Train the byte-pair-encoding merges behind keyward's word-likeness score.

    python3 scanner/data/train_bpe.py [--merges N] [--out scanner/data/bpe_merges.txt]

scanner/wordiness.cc scores a candidate secret by characters per BPE token:
words, identifiers and code split into few long tokens, random secrets into
many short ones. This script learns the merges from text that ships with the
machine (Debian's /usr/share/doc and the C/C++ headers in /usr/include) and
writes them as a small text file that the build compiles into the binary
(scanner/data/embed_merges.cmake). Python 3 standard library only.

The sample (deterministic for a given machine, recorded in the output header
with its SHA-256):
  * /usr/share/doc: the regular files whose name is a README, NEWS,
    changelog, TODO or *.txt / *.md / *.rst (optionally .gz, decompressed
    with the gzip module); copyright files (mostly licence boilerplate) are
    not read.
  * /usr/include: every regular file (headers).
  Of each tree, the files at even positions in byte order of their paths
  (the odd ones are held out for measuring the score on text it was not
  trained on), at most --doc-per-file / --include-per-file bytes of each,
  until --doc-bytes / --include-bytes are taken (the defaults take every
  such file of a Debian 12 build machine: ~13 MB of docs, ~22 MB of
  headers; the smaller cap per header keeps node's and LLVM's large headers
  from dominating).
  Files with a NUL byte and files whose content was already read (SHA-256)
  are skipped.
  Credential-looking lines are dropped so that no secret enters the
  vocabulary: a line with a run of 16+ characters of [A-Za-z0-9+/=_-] that
  switches between lower case, upper case and digits at 30%+ of its
  positions and has Shannon entropy >= 3.0 bits (random keys, hashes, base64,
  hex commit ids).

Pre-tokenisation (the same in scanner/wordiness.cc): a text splits into
pieces: runs of digits, and runs of letters (ASCII letters and every byte
>= 0x80) cut at case changes as in CamelCase and HTTPServer ("HTTP",
"Server"); every other byte separates pieces. Pieces are folded to lower
case (ASCII). Pieces longer than 40 bytes are not trained on.

BPE: the base vocabulary is the 256 bytes; each merge joins the adjacent pair
of tokens with the highest count over all pieces (weighted by piece
frequency; ties broken by the smaller pair of token ids), standard
Sennrich et al. style, until --merges merges are learned.

Output: a header of `#` lines (parameters, sample size and digest), then one
merge per line in rank order, `LEFT RIGHT`, each token written as its bytes
with bytes >= 0x80 as \\xHH.
"""

import argparse
import gzip
import hashlib
import heapq
import math
import os
import re
import sys
import time

DOC_ROOT = "/usr/share/doc"
INCLUDE_ROOT = "/usr/include"

DOC_NAME = re.compile(
    r"^(readme|news|changelog|changes|todo)([._-].*)?$|\.(txt|md|rst)(\.gz)?$",
    re.I)

# Pieces: an upper-case run followed by Upper+lower keeps its last letter
# for the next piece (HTTPServer -> HTTP, Server).
PIECE = re.compile(
    rb"[A-Z]+(?=[A-Z][a-z\x80-\xff])|[A-Z]?[a-z\x80-\xff]+|[A-Z]+|[0-9]+")
RUN = re.compile(rb"[A-Za-z0-9+/=_-]{16,}")
MAX_PIECE = 40


def entropy(b):
    counts = {}
    for c in b:
        counts[c] = counts.get(c, 0) + 1
    n = len(b)
    return -sum(v / n * math.log2(v / n) for v in counts.values())


def char_class(c):
    if 97 <= c <= 122:
        return 1
    if 65 <= c <= 90:
        return 2
    if 48 <= c <= 57:
        return 3
    return 0


def credential_like(line):
    for m in RUN.finditer(line):
        run = m.group(0)
        classes = [char_class(c) for c in run]
        switches = sum(1 for a, b in zip(classes, classes[1:])
                       if a and b and a != b)
        if switches >= 0.3 * (len(run) - 1) and entropy(run) >= 3.0:
            return True
    return False


def walk(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(p)
    out.sort(key=lambda p: p.encode())
    return out


def read_sample(paths, budget, per_file, seen, digest, stats):
    taken = 0
    for p in paths:
        if taken >= budget:
            break
        try:
            if p.endswith(".gz"):
                with gzip.open(p, "rb") as f:
                    data = f.read(per_file)
            else:
                with open(p, "rb") as f:
                    data = f.read(per_file)
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if not data or b"\0" in data:
            continue
        h = hashlib.sha256(data).digest()
        if h in seen:
            continue
        seen.add(h)
        data = data[:budget - taken]
        taken += len(data)
        digest.update(p.encode() + b"\0" + h)
        stats["files"] += 1
        for line in data.split(b"\n"):
            if credential_like(line):
                stats["dropped_lines"] += 1
                continue
            stats["lines"] += 1
            yield line
    stats["bytes"] += taken


def count_pieces(lines, counts):
    for line in lines:
        for m in PIECE.findall(line):
            if len(m) <= MAX_PIECE:
                m = m.lower()  # bytes.lower folds ASCII only
                counts[m] = counts.get(m, 0) + 1


def train(counts, n_merges, log):
    # Words in a fixed order (by bytes) so that ids and ties are stable.
    items = sorted(counts.items())
    words = [list(w) for w, _ in items]
    freqs = [c for _, c in items]
    tokens = [bytes([i]) for i in range(256)]
    ids = {t: i for i, t in enumerate(tokens)}  # a token's id by its bytes
    pair_count = {}
    where = {}
    for wi, w in enumerate(words):
        f = freqs[wi]
        for a, b in zip(w, w[1:]):
            pair_count[(a, b)] = pair_count.get((a, b), 0) + f
            where.setdefault((a, b), set()).add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges = []
    t0 = time.time()
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc or negc == 0:
            continue  # stale entry
        a, b = pair
        joined = tokens[a] + tokens[b]
        new = ids.get(joined)
        if new is None:  # (the same bytes reached by another merge keep
            new = ids[joined] = len(tokens)  # their id, as wordiness.cc)
            tokens.append(joined)
        merges.append(pair)
        changed = set()
        for wi in where.pop(pair, ()):
            w = words[wi]
            f = freqs[wi]
            for x, y in zip(w, w[1:]):
                pair_count[(x, y)] -= f
                changed.add((x, y))
            out = []
            i = 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            words[wi] = out
            for x, y in zip(out, out[1:]):
                pair_count[(x, y)] = pair_count.get((x, y), 0) + f
                where.setdefault((x, y), set()).add(wi)
                changed.add((x, y))
        pair_count.pop(pair, None)
        for p in changed:
            c = pair_count.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_count.pop(p, None)
        if log and len(merges) % 2000 == 0:
            print(f"  {len(merges)} merges, {time.time() - t0:.0f} s",
                  file=sys.stderr)
    return merges, tokens


def escape(tok):
    return "".join(chr(c) if c < 0x80 else "\\x%02x" % c for c in tok)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--merges", type=int, default=16000)
    ap.add_argument("--doc-bytes", type=int, default=32 << 20)
    ap.add_argument("--include-bytes", type=int, default=32 << 20)
    ap.add_argument("--doc-per-file", type=int, default=64 << 10)
    ap.add_argument("--include-per-file", type=int, default=16 << 10)
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "bpe_merges.txt"))
    args = ap.parse_args()

    t0 = time.time()
    seen = set()
    digest = hashlib.sha256()
    counts = {}
    stats = {}
    for root, budget, per_file, pick in (
            (DOC_ROOT, args.doc_bytes, args.doc_per_file,
             lambda p: DOC_NAME.search(os.path.basename(p)) is not None),
            (INCLUDE_ROOT, args.include_bytes, args.include_per_file,
             lambda p: True)):
        s = {"files": 0, "bytes": 0, "lines": 0, "dropped_lines": 0}
        paths = [p for p in walk(root) if pick(p)][0::2]
        count_pieces(read_sample(paths, budget, per_file, seen, digest,
                                 s), counts)
        stats[root] = s
        print(f"{root}: {s}", file=sys.stderr)
    print(f"{len(counts)} distinct pieces, {time.time() - t0:.0f} s",
          file=sys.stderr)
    merges, tokens = train(counts, args.merges, log=True)
    print(f"{len(merges)} merges, {time.time() - t0:.0f} s total",
          file=sys.stderr)

    with open(args.out, "w", encoding="ascii", newline="\n") as f:
        f.write("# keyward BPE merges: generated by scanner/data/train_bpe.py;"
                " do not edit.\n")
        f.write(f"# params: merges={args.merges} doc_bytes={args.doc_bytes} "
                f"include_bytes={args.include_bytes} "
                f"doc_per_file={args.doc_per_file} "
                f"include_per_file={args.include_per_file} "
                f"max_piece={MAX_PIECE} "
                f"case=folded\n")
        for root, s in stats.items():
            f.write(f"# sample {root}: files={s['files']} bytes={s['bytes']} "
                    f"lines={s['lines']} "
                    f"credential_like_lines_dropped={s['dropped_lines']}\n")
        f.write(f"# sample sha256 (paths + content digests): "
                f"{digest.hexdigest()}\n")
        f.write(f"# distinct pieces: {len(counts)}\n")
        f.write("# one merge per line, rank order: LEFT RIGHT "
                "(bytes >= 0x80 as \\xHH)\n")
        for a, b in merges:
            f.write(f"{escape(tokens[a])} {escape(tokens[b])}\n")


if __name__ == "__main__":
    main()
