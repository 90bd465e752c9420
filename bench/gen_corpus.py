#!/usr/bin/env python3
"""Deterministic generator of the scan-benchmark corpus.

    bench/gen_corpus.py --size-mb 1024 --out /work/bench-corpus

writes OUT/tree/ (the files to scan), OUT/truth.jsonl (one line per planted
secret or decoy: path, line, end_line, kind, provider, expected, fingerprint,
alt_fingerprints) and OUT/manifest.json. Only sha256 fingerprints of planted
values are stored, never the values.

The tree mixes source-like files (C headers from /usr/include, synthesised
Python, JavaScript, Go, YAML, JSON), small config files (.env, INI, TOML,
properties, XML, Terraform), docs, minified JS bundles (long lines) and logs,
with secrets of many provider formats and near-miss decoys planted at a fixed
rate. The same seed on the same machine gives the same bytes (the manifest
records a digest of the building material read from the machine).
"""

import argparse
import json
import os
import random
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_material import Material  # noqa: E402
from corpus_plants import make_plant  # noqa: E402
from corpus_secrets import fp  # noqa: E402

KB, MB = 1 << 10, 1 << 20
# type: (share of bytes, min size, max size)
TYPES = {
    "c": (0.14, 2 * KB, 120 * KB), "py": (0.10, 2 * KB, 80 * KB), "js": (0.09, 2 * KB, 80 * KB),
    "go": (0.07, 2 * KB, 60 * KB), "yaml": (0.03, 1 * KB, 30 * KB), "json": (0.03, 1 * KB, 40 * KB),
    "config": (0.02, 300, 4 * KB), "doc": (0.04, 2 * KB, 60 * KB), "min": (0.23, 100 * KB, 3 * MB),
    "log": (0.25, 512 * KB, 24 * MB),
}
CONFIG_SYNTAXES = ["env", "ini", "toml", "properties", "xml", "tf"]
LEVELS = ["INFO"] * 6 + ["DEBUG"] * 3 + ["WARN", "ERROR"]


class Generator:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.args = args
        t0 = time.time()
        self.m = Material(self.rng)
        print(f"gen_corpus: material ready in {time.time() - t0:.1f}s "
              f"({len(self.m.c_lines)} C lines, {len(self.m.doc_lines)} doc lines)", file=sys.stderr)
        self.tree = os.path.join(args.out, "tree")
        self.truth = []
        self.files = 0
        self.repo = 0
        self.repo_bytes = 0
        self.names = set()

    # -- file bodies ---------------------------------------------------------
    def window(self, pool, nbytes):
        avg = max(8, sum(len(l) for l in pool[:2000]) // 2000 + 1)
        n = max(5, nbytes // avg)
        start = self.rng.randrange(len(pool))
        out = pool[start:start + n]
        while len(out) < n:
            out += pool[:n - len(out)]
        return out

    def config_body(self, syntax, nbytes):
        r, m, out = self.rng, self.m, []
        if syntax == "xml":
            out.append('<?xml version="1.0" encoding="UTF-8"?>')
            out.append("<configuration>")
        while sum(len(l) for l in out) < nbytes:
            k, w = r.choice(m.ids), r.choice(m.words)
            if syntax == "env":
                out.append(f"{k.upper()}={r.choice([w, str(r.randrange(65536)), 'true'])}")
            elif syntax == "ini":
                out.append(f"[{w}]" if r.random() < 0.15 else f"{k} = {w}")
            elif syntax == "toml":
                out.append(f"[{w}]" if r.random() < 0.15 else f'{k} = "{w}"')
            elif syntax == "properties":
                out.append(f"{w}.{k.replace('_', '.')}={r.choice([w, str(r.randrange(9999))])}")
            elif syntax == "xml":
                out.append(f"    <{k}>{w}</{k}>")
            else:
                out.append(f'resource "{k}" "{w}" {{' if r.random() < 0.2 else
                           (f'  {k} = "{w}"' if r.random() < 0.8 else "}"))
        if syntax == "xml":
            out.append("</configuration>")
        return out

    def log_line(self, state):
        r, m = self.rng, self.m
        state[0] += r.randrange(1, 900)
        t = state[0]
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + f".{t % 1000:03d}Z"
        msg = r.choice([
            lambda: m.say(r),
            lambda: f"{r.choice(['GET', 'POST', 'PUT'])} /api/v{r.randrange(1, 4)}/{r.choice(m.words)}/"
                    f"{r.randrange(10**6)} {r.choice([200, 200, 201, 304, 404, 500])} {r.randrange(1, 900)}ms",
            lambda: f"{r.choice(m.ids)} completed in {r.random() * 9:.3f}s worker={r.randrange(32)}",
            lambda: f"peer 10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}:{r.randrange(1024, 65535)} "
                    f"{r.choice(m.words)} {r.choice(m.words)}"])()
        return f"{ts} {r.choice(LEVELS)} [{r.choice(m.ids)}] {msg}"

    def body(self, ftype, nbytes):
        m = self.m
        if ftype == "c":
            return self.window(m.c_lines, nbytes), "c", ".h" if self.rng.random() < 0.6 else ".c"
        if ftype in ("py", "js", "go", "yaml"):
            return self.window(getattr(m, ftype), nbytes), ftype, "." + ftype
        if ftype == "json":
            return ["{"] + self.window(m.json, nbytes) + ['  "version": 1', "}"], "json", ".json"
        if ftype == "doc":
            return self.window(m.doc_lines, nbytes), "doc", self.rng.choice([".md", ".txt"])
        if ftype == "config":
            syntax = self.rng.choice(CONFIG_SYNTAXES)
            ext = {"env": ".env", "properties": ".properties", "tf": ".tf"}.get(syntax, "." + syntax)
            return self.config_body(syntax, nbytes), syntax, ext
        if ftype == "log":
            state = [self.rng.randrange(1_600_000_000, 1_750_000_000) * 1000]
            return [self.log_line(state) for _ in range(nbytes // 110)], "log", ".log"
        lines = []  # minified bundle: few very long lines
        total = 0
        while total < nbytes:
            frags = self.rng.choices(m.min_frags, k=self.rng.randrange(300, 2500))
            lines.append(frags)
            total += sum(len(f) for f in frags)
        return lines, "min", ".min.js"

    # -- planting ------------------------------------------------------------
    def plant_count(self, ftype, nbytes, rate, small_p):
        if ftype == "config":
            return 1 if self.rng.random() < small_p else 0
        exp = nbytes / MB * rate
        return int(exp) + (1 if self.rng.random() < exp - int(exp) else 0)

    def plant(self, ftype, lang, lines, nbytes, relpath):
        a = self.args
        plants = [make_plant(self.rng, "json" if lang == "doc" else lang, False)
                  for _ in range(self.plant_count(ftype, nbytes, a.secrets_per_mb, 0.45))]
        plants += [make_plant(self.rng, "json" if lang == "doc" else lang, True)
                   for _ in range(self.plant_count(ftype, nbytes, a.decoys_per_mb, 0.25))]
        self.rng.shuffle(plants)
        if lang == "min":
            for p in plants:
                i = self.rng.randrange(len(lines))
                lines[i].insert(self.rng.randrange(len(lines[i]) + 1), ",".join(p.lines))
                self.record(relpath, i + 1, i + 1, p)
            return [",".join(f) for f in lines]
        positions = sorted(self.rng.randrange(len(lines) + 1) for _ in plants)
        out, prev = [], 0
        for pos, p in zip(positions, plants):
            out.extend(lines[prev:pos])
            prev = pos
            plines = p.lines
            if lang == "log":
                plines = [self.log_line([1_700_000_000_000]) .split("] ")[0] + "] " + plines[0]] + plines[1:]
            base = len(out) + 1
            self.record(relpath, base + p.first, base + p.last, p)
            out.extend(plines)
        out.extend(lines[prev:])
        return out

    def record(self, relpath, line, end_line, p):
        self.truth.append({
            "path": relpath, "line": line, "end_line": end_line, "kind": p.kind,
            "provider": p.provider, "expected": p.expected, "fingerprint": fp(p.secret),
            "alt_fingerprints": [fp(v) for v in p.alts]})

    # -- tree ----------------------------------------------------------------
    def path_for(self, ftype, ext):
        if self.repo_bytes > 12 * MB or self.repo == 0:
            self.repo += 1
            self.repo_bytes = 0
        sub = {"c": "src", "py": "src", "js": "lib", "go": "pkg", "yaml": "deploy", "json": "config",
               "config": "config", "doc": "docs", "min": "dist", "log": "logs"}[ftype]
        stem = self.rng.choice(self.m.ids)
        if ext == ".env":
            rel = f"repo-{self.repo:04d}/{sub}/{stem}/.env"
        else:
            rel = f"repo-{self.repo:04d}/{sub}/{stem}{ext}"
        n = 1
        while rel in self.names:
            n += 1
            rel = rel.replace(ext, f"_{n}{ext}") if n == 2 else rel.replace(f"_{n - 1}{ext}", f"_{n}{ext}")
        self.names.add(rel)
        return rel

    def run(self):
        a = self.args
        target = a.size_mb * MB
        remaining = {t: share * target for t, (share, _, _) in TYPES.items()}
        written = 0
        t0 = time.time()
        while True:
            live = [t for t in TYPES if remaining[t] > 0]
            if not live:
                break
            ftype = self.rng.choices(live, weights=[remaining[t] for t in live])[0]
            _, lo, hi = TYPES[ftype]
            size = int(min(max(lo, remaining[ftype]), lo * (hi / lo) ** self.rng.random()))
            lines, lang, ext = self.body(ftype, size)
            rel = self.path_for(ftype, ext)
            text = "\n".join(self.plant(ftype, lang, lines, size, rel)) + "\n"
            data = text.encode()
            path = os.path.join(self.tree, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            remaining[ftype] -= len(data)
            self.repo_bytes += len(data)
            written += len(data)
            self.files += 1
            if self.files % 2000 == 0:
                print(f"gen_corpus: {written / MB:.0f} MB, {self.files} files, "
                      f"{time.time() - t0:.0f}s", file=sys.stderr)
        return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--out", required=True, help="output dir (gets tree/, truth.jsonl, manifest.json)")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--secrets-per-mb", type=float, default=4.0)
    ap.add_argument("--decoys-per-mb", type=float, default=3.0)
    ap.add_argument("--force", action="store_true", help="replace an existing OUT/tree")
    args = ap.parse_args()
    tree = os.path.join(args.out, "tree")
    if os.path.exists(tree):
        if not args.force:
            sys.exit(f"gen_corpus: {tree} exists (use --force to regenerate)")
        shutil.rmtree(tree)
    os.makedirs(tree)
    t0 = time.time()
    g = Generator(args)
    written = g.run()
    g.truth.sort(key=lambda t: (t["path"], t["line"]))
    with open(os.path.join(args.out, "truth.jsonl"), "w") as f:
        for t in g.truth:
            f.write(json.dumps(t, sort_keys=True) + "\n")
    manifest = {"seed": args.seed, "size_mb": args.size_mb, "bytes": written, "files": g.files,
                "planted_true": sum(t["expected"] for t in g.truth),
                "planted_decoys": sum(not t["expected"] for t in g.truth),
                "material_digest": g.m.digest, "generator_version": 1}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"gen_corpus: wrote {written / MB:.1f} MB in {g.files} files, "
          f"{manifest['planted_true']} secrets + {manifest['planted_decoys']} decoys, "
          f"{time.time() - t0:.0f}s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
