#!/usr/bin/env python3
"""Detection quality of one or two keyward binaries, side by side.

Normally run through bench/quality/quality.sh, which prepares the inputs
(generated corpus, npm tree, history mirror, linux-source) and the "before"
binary, then calls:

    quality.py --bin after=PATH [--bin before=PATH] --cache DIR
               [--gen DIR] [--corpora DIR] [--tree NAME=PATH[:git]]...
               [--jobs N] [--top N] [--rescan] [--json FILE]

Scores (a) the generated corpus with bench/recall.py, (b) every corpus under
--corpora with its score.py (at the default confidence and, where the binary
has --min-confidence, at `low`), and (c) findings on real trees that hold
essentially no credentials: MB scanned, findings, findings per MB, distinct
secrets, findings per rule. Prints a table (stdout) and writes a JSON summary.

Scan results are cached under CACHE/results/, keyed by the binary's sha256,
the scan's arguments and a signature of the scanned tree (paths, sizes,
mtimes), so a rerun only scans what changed; --rescan ignores the cache.
Exit code 1 from keyward (= findings) is success; 2 or a crash is reported as
an error for that scan and the run goes on. Python 3 standard library only.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
MB = 1 << 20


def log(msg):
    print(f"quality: {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- binaries
class Binary:
    def __init__(self, label, path, cache):
        self.label = label
        self.cache = cache
        self.warmed = False
        self.path = os.path.realpath(path)
        if not os.access(self.path, os.X_OK):
            sys.exit(f"quality: {label}: no executable keyward at {path}")
        h = hashlib.sha256()
        with open(self.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        self.sha = h.hexdigest()[:16]
        self.version = self._run(["--version"]).strip().splitlines()[-1:] or ["?"]
        self.version = self.version[0]
        help_text = self._run(["scan", "--help"])
        self.min_confidence = "--min-confidence" in help_text
        self.all_occurrences = "--all-occurrences" in help_text
        self.no_config = "--no-config" in help_text

    def _run(self, args):
        p = subprocess.run([self.path] + args, capture_output=True, text=True,
                           env=scan_env(self.cache))
        return p.stdout + p.stderr

    def features(self):
        return {"min_confidence": self.min_confidence, "all_occurrences": self.all_occurrences}

    def warm(self, workdir):
        """Compiles (and caches) the rule database outside any timed scan."""
        if self.warmed:
            return
        empty = os.path.join(workdir, "warm.txt")
        with open(empty, "w") as f:
            f.write("nothing to see here\n")
        subprocess.run([self.path, "scan", "--format", "json", "-o", os.devnull, empty],
                       cwd=workdir, env=scan_env(self.cache), capture_output=True)
        self.warmed = True


def scan_env(cache):
    env = dict(os.environ)
    env.pop("KEYWARD_INVENTORY", None)
    if cache:
        env["XDG_CACHE_HOME"] = os.path.join(cache, "xdg")
    return env


# ----------------------------------------------------------------------------- scanning
def tree_signature(path):
    """Cheap identity of a tree: every entry's path, size and mtime."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(root, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            h.update(f"{os.path.relpath(p, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def load_findings(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if not text.strip():
        return [], {}
    doc = json.loads(text)
    if isinstance(doc, list):
        return doc, {}
    return doc.get("findings", []), doc.get("stats", {})


def run_scan(binary, key, args, target, sig, opts):
    """Runs `keyward scan ARGS TARGET --format json`; returns a result dict
    {findings_path, stats, wall, rc, error, cached}. Cached by binary, args, tree."""
    argkey = hashlib.sha256(json.dumps([args, target, sig]).encode()).hexdigest()[:16]
    outdir = os.path.join(opts.cache, "results", binary.sha)
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, f"{key}-{argkey}")
    meta_path, out_path = base + ".meta.json", base + ".json"
    if not opts.rescan and os.path.exists(meta_path) and os.path.exists(out_path):
        with open(meta_path) as f:
            meta = json.load(f)
        meta["cached"] = True
        meta["findings_path"] = out_path
        return meta
    workdir = tempfile.mkdtemp(prefix="quality-", dir=opts.cache)
    binary.warm(workdir)
    cmd = [binary.path, "scan"] + args + ["-j", str(opts.jobs), "--format", "json",
                                          "-o", out_path + ".tmp", target]
    if binary.no_config:
        cmd.insert(2, "--no-config")
    log(f"{binary.label}: {' '.join(cmd[1:])}")
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=workdir, env=scan_env(opts.cache), capture_output=True, text=True)
    wall = time.monotonic() - t0
    shutil.rmtree(workdir, ignore_errors=True)
    meta = {"cmd": cmd, "rc": p.returncode, "wall": round(wall, 3), "error": None}
    if p.returncode not in (0, 1) or not os.path.exists(out_path + ".tmp"):
        meta["error"] = f"exit {p.returncode}: {p.stderr.strip()[-400:]}"
        log(f"{binary.label}: scan failed: {meta['error']}")
        if os.path.exists(out_path + ".tmp"):
            os.remove(out_path + ".tmp")
        meta["findings_path"] = None
        meta["cached"] = False
        return meta
    os.replace(out_path + ".tmp", out_path)
    _, stats = load_findings(out_path)
    meta["stats"] = stats
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)
    meta["cached"] = False
    meta["findings_path"] = out_path
    return meta


def confidence_modes(binary):
    """(name, extra args) for the confidence levels to score at."""
    modes = [("default", [])]
    if binary.min_confidence:
        modes.append(("low", ["--min-confidence", "low"]))
    return modes


# ----------------------------------------------------------------------------- (a)
def score_generated(binaries, opts):
    tree = os.path.join(opts.gen, "tree")
    with open(os.path.join(opts.gen, "manifest.json")) as f:
        manifest = json.load(f)
    sig = "gen-" + str(manifest.get("material_digest")) + f"-{manifest['bytes']}-{manifest['seed']}"
    out = {"dir": opts.gen, "manifest": manifest, "results": {}}
    for b in binaries:
        for mode, extra in confidence_modes(b):
            r = run_scan(b, f"gen-{mode}", extra, tree, sig, opts)
            res = {"wall": r["wall"], "cached": r["cached"], "error": r["error"]}
            if not r["error"]:
                findings, stats = load_findings(r["findings_path"])
                jl = r["findings_path"] + "l"
                with open(jl, "w") as f:
                    for x in findings:
                        f.write(json.dumps(x) + "\n")
                rj = r["findings_path"] + ".recall.json"
                p = subprocess.run([sys.executable, os.path.join(BENCH, "recall.py"), "--truth",
                                    os.path.join(opts.gen, "truth.jsonl"), "--findings", jl,
                                    "--root", tree, "--json", rj], capture_output=True, text=True)
                if p.returncode != 0:
                    res["error"] = "recall.py: " + p.stderr.strip()[-300:]
                else:
                    with open(rj) as f:
                        rec = json.load(f)
                    res.update({k: rec[k] for k in ("findings", "planted", "found", "recall",
                                                    "decoy_hits", "unplanned", "duplicates",
                                                    "false_positives", "unplanned_by_rule")})
                    res["decoys"] = manifest.get("planted_decoys")
                    res["mb"] = stats.get("bytes", 0) / MB
                os.remove(jl)
            out["results"].setdefault(b.label, {})[mode] = res
    return out


# ----------------------------------------------------------------------------- (b)
SCORE_RE = re.compile(r"recall=([0-9.]+) \((\d+)/(\d+)\) clean_file_findings=(\d+) "
                      r"extra_lines=(\d+)")


def score_corpora(binaries, opts):
    names = sorted(d for d in os.listdir(opts.corpora)
                   if os.path.isfile(os.path.join(opts.corpora, d, "labels.jsonl")))
    score_py = os.path.join(opts.corpora, "score.py")
    out = {"dir": opts.corpora, "corpora": names, "results": {}}
    for b in binaries:
        for mode, extra in confidence_modes(b):
            per, tot = {}, {"hit": 0, "units": 0, "clean_file_findings": 0, "extra_lines": 0,
                            "findings": 0, "wall": 0.0}
            for name in names:
                cdir = os.path.join(opts.corpora, name)
                files = os.path.join(cdir, "files")
                sig = tree_signature(cdir)
                r = run_scan(b, f"corpus-{name}-{mode}", ["--no-ignore"] + extra, files, sig, opts)
                res = {"wall": r["wall"], "cached": r["cached"], "error": r["error"]}
                if not r["error"]:
                    p = subprocess.run([sys.executable, score_py, cdir, r["findings_path"]],
                                       capture_output=True, text=True)
                    lines = p.stdout.strip().splitlines()
                    m = SCORE_RE.search(lines[-1]) if lines else None
                    if not m:
                        res["error"] = "score.py: " + (p.stderr.strip() or p.stdout.strip())[-300:]
                    else:
                        findings, _ = load_findings(r["findings_path"])
                        res.update({"recall": float(m.group(1)), "hit": int(m.group(2)),
                                    "units": int(m.group(3)),
                                    "clean_file_findings": int(m.group(4)),
                                    "extra_lines": int(m.group(5)), "findings": len(findings)})
                        for k in ("hit", "units", "clean_file_findings", "extra_lines", "findings"):
                            tot[k] += res[k]
                tot["wall"] += r["wall"] or 0
                per[name] = res
            tot["recall"] = tot["hit"] / tot["units"] if tot["units"] else 0.0
            failed = [n for n in names if per[n].get("error")]
            if failed:  # the sums leave those corpora out: not comparable
                tot["error"] = "incomplete, no score for " + ", ".join(failed)
            tot["wall"] = round(tot["wall"], 3)
            per["TOTAL"] = tot
            out["results"].setdefault(b.label, {})[mode] = per
    return out


# ----------------------------------------------------------------------------- (c)
def occurrences(f):
    occ = f.get("occurrences")
    if isinstance(occ, list):
        return max(1, len(occ))
    for k in ("occurrence_count", "count"):
        if isinstance(f.get(k), int):
            return max(1, f[k])
    return 1


def score_trees(binaries, trees, opts):
    out = {"trees": [{"name": n, "path": p, "git": g} for n, p, g in trees], "results": {}}
    for name, path, git in trees:
        log(f"tree {name}: signature of {path}")
        sig = tree_signature(path)
        for b in binaries:
            args = ["--git"] if git else ["--no-ignore"]
            r = run_scan(b, f"tree-{name}", args, path, sig, opts)
            res = {"wall": r["wall"], "cached": r["cached"], "error": r["error"]}
            if not r["error"]:
                findings, stats = load_findings(r["findings_path"])
                mb = stats.get("bytes", 0) / MB
                rules = collections.Counter(f.get("rule_id", "?") for f in findings)
                samples = collections.defaultdict(list)  # where each rule fired (no values)
                for f in findings:
                    s = samples[f.get("rule_id", "?")]
                    if len(s) < 3:
                        p = f.get("path", "")
                        p = os.path.relpath(p, path) if os.path.isabs(p) else p
                        s.append((f.get("commit", "")[:12] + ":" if f.get("commit") else "") +
                                 f"{p}:{f.get('line')}")
                conf = collections.Counter(f["confidence"] for f in findings if "confidence" in f)
                res.update({
                    "mb": round(mb, 2), "files": stats.get("files", 0),
                    "skipped_binary": stats.get("skipped_binary", 0),
                    "findings": len(findings),
                    "per_mb": round(len(findings) / mb, 4) if mb else 0.0,
                    "distinct_secrets": len({f.get("fingerprint") for f in findings}),
                    "occurrences": sum(occurrences(f) for f in findings),
                    "by_rule": dict(rules.most_common()),
                    "by_confidence": dict(conf),
                    "samples": dict(samples),
                })
            out["results"].setdefault(b.label, {})[name] = res
    return out


# ----------------------------------------------------------------------------- printing
def fmt_pct(x):
    return f"{100 * x:.1f}%"


def table(rows, header, right_from=1, left_last=False):
    """Columns before right_from (and the last one with left_last) left-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    left = lambda i: i < right_from or (left_last and i == len(header) - 1)
    line = lambda r: "  ".join(str(c).ljust(widths[i]) if left(i) else str(c).rjust(widths[i])
                               for i, c in enumerate(r)).rstrip()
    print(line(header))
    for r in rows:
        print(line(r))


def columns(binaries, section_modes):
    """[(binary label, mode)] in print order: every binary at default, then at low."""
    cols = [(b.label, "default") for b in binaries]
    cols += [(b.label, "low") for b in binaries if section_modes and b.min_confidence]
    return cols


def col_name(label, mode):
    return label if mode == "default" else f"{label}@low"


def print_generated(gen, binaries):
    m = gen["manifest"]
    print(f"\n== (a) generated corpus: {m['bytes'] / MB:.1f} MB, {m['files']} files, seed {m['seed']}, "
          f"{m['planted_true']} secrets + {m['planted_decoys']} decoys ({gen['dir']})")
    cols = columns(binaries, True)
    get = lambda c: gen["results"].get(c[0], {}).get(c[1], {})
    metrics = [
        ("recall", lambda r: f"{fmt_pct(r['recall'])} ({r['found']}/{r['planted']})"),
        ("decoy FPs", lambda r: f"{r['decoy_hits']}/{r['decoys']}"),
        ("unplanned findings", lambda r: r["unplanned"]),
        ("duplicates", lambda r: r["duplicates"]),
        ("findings", lambda r: r["findings"]),
        ("wall s", lambda r: f"{r['wall']:.2f}" + (" (cached)" if r.get("cached") else "")),
    ]
    rows = []
    for name, fn in metrics:
        row = [name]
        for c in cols:
            r = get(c)
            row.append(f"ERROR" if r.get("error") else (fn(r) if r else "-"))
        rows.append(row)
    table(rows, ["metric"] + [col_name(*c) for c in cols])
    for c in cols:
        r = get(c)
        if r.get("unplanned_by_rule"):
            top = sorted(r["unplanned_by_rule"].items(), key=lambda kv: -kv[1])[:8]
            print(f"  unplanned by rule, {col_name(*c)}: " + ", ".join(f"{k} {v}" for k, v in top))
        if r.get("error"):
            print(f"  {col_name(*c)}: {r['error']}")


def print_corpora(cor, binaries):
    print(f"\n== (b) shared corpora ({cor['dir']}), --no-ignore, score.py")
    cols = columns(binaries, True)
    rows = []
    for name in cor["corpora"] + ["TOTAL"]:
        for metric in ("recall", "clean_file_findings", "extra_lines", "findings", "wall s"):
            row = [name if metric == "recall" else "", metric]
            for c in cols:
                r = cor["results"].get(c[0], {}).get(c[1], {}).get(name)
                if not r:
                    row.append("-")
                elif r.get("error"):
                    row.append("ERROR")
                elif metric == "recall":
                    row.append(f"{r['recall']:.3f} ({r['hit']}/{r['units']})")
                elif metric == "wall s":
                    row.append(f"{r['wall']:.2f}" + (" (cached)" if r.get("cached") else ""))
                else:
                    row.append(r[metric])
            rows.append(row)
    table(rows, ["corpus", "metric"] + [col_name(*c) for c in cols], right_from=2)
    for c in cols:
        for name, r in cor["results"].get(c[0], {}).get(c[1], {}).items():
            if r.get("error"):
                print(f"  {col_name(*c)} {name}: {r['error']}")


def print_trees(tr, binaries, top):
    print("\n== (c) precision on real trees (essentially no real credentials: findings are "
          "false alarms)")
    labels = [b.label for b in binaries]
    rows = []
    for t in tr["trees"]:
        for b in labels:
            r = tr["results"].get(b, {}).get(t["name"], {})
            if r.get("error") or not r:
                rows.append([t["name"], b, "ERROR", "", "", "", "", ""])
                continue
            rows.append([t["name"] if b == labels[0] else "", b, f"{r['mb']:.1f}", r["files"],
                         r["findings"], f"{r['per_mb']:.3f}", r["distinct_secrets"],
                         f"{r['wall']:.2f}" + (" (cached)" if r.get("cached") else "")])
    table(rows, ["tree", "binary", "MB", "files", "findings", "per MB", "secrets", "wall s"],
          right_from=2)
    for t in tr["trees"]:
        res = {b: tr["results"].get(b, {}).get(t["name"], {}) for b in labels}
        print(f"\n-- {t['name']}: {t['path']}" + (" (--git)" if t["git"] else " (--no-ignore)"))
        for b in labels:
            if res[b].get("error"):
                print(f"  {b}: {res[b]['error']}")
            elif res[b].get("by_confidence"):
                print(f"  {b} by confidence: " +
                      ", ".join(f"{k} {v}" for k, v in sorted(res[b]["by_confidence"].items())))
        # The top-N rules of each binary, by their largest count.
        names = set()
        for b in labels:
            names |= set(list(res[b].get("by_rule", {}))[:top])
        ranked = sorted(names, key=lambda n: (-max(res[b].get("by_rule", {}).get(n, 0)
                                                   for b in labels), n))
        if not ranked:
            print("  no findings")
            continue
        rows = []
        for n in ranked:
            example = next((res[b]["samples"][n][0] for b in reversed(labels)
                            if n in res[b].get("samples", {})), "")
            rows.append(["  " + n] + [res[b].get("by_rule", {}).get(n, 0) for b in labels] +
                        [example if len(example) <= 90 else "..." + example[-87:]])
        table(rows, ["  rule (top %d per binary)" % top] + labels + ["e.g."], left_last=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", action="append", required=True, help="LABEL=PATH, in column order")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--gen", help="generated corpus dir (tree/, truth.jsonl, manifest.json)")
    ap.add_argument("--corpora", help="dir of labelled corpora with score.py")
    ap.add_argument("--tree", action="append", default=[], help="NAME=PATH or NAME=PATH:git")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--rescan", action="store_true")
    ap.add_argument("--json")
    opts = ap.parse_args()
    opts.cache = os.path.abspath(opts.cache)
    t_start = time.monotonic()

    binaries = []
    for spec in opts.bin:
        label, _, path = spec.partition("=")
        binaries.append(Binary(label, path, opts.cache))
    trees = []
    for spec in opts.tree:
        name, _, path = spec.partition("=")
        git = path.endswith(":git")
        trees.append((name, path[:-4] if git else path, git))

    summary = {"binaries": {b.label: {"path": b.path, "sha256_16": b.sha, "version": b.version,
                                      "features": b.features()} for b in binaries}}
    if opts.gen:
        summary["generated"] = score_generated(binaries, opts)
    if opts.corpora:
        summary["corpora"] = score_corpora(binaries, opts)
    if trees:
        summary["trees"] = score_trees(binaries, trees, opts)
    summary["seconds"] = round(time.monotonic() - t_start, 1)

    print("keyward detection quality (bench/quality)")
    for b in binaries:
        feats = ", ".join(k for k, v in b.features().items() if v) or "no confidence/grouping flags"
        print(f"  {b.label}: {b.path} ({b.version}; sha256 {b.sha}; {feats})")
    if "generated" in summary:
        print_generated(summary["generated"], binaries)
    if "corpora" in summary:
        print_corpora(summary["corpora"], binaries)
    if "trees" in summary:
        print_trees(summary["trees"], binaries, opts.top)
    print(f"\nquality.py: {summary['seconds']:.1f} s")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(summary, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"JSON summary: {opts.json}")
    return 3 if any_error(summary) else 0


def any_error(node):
    """True when some scan or score in the summary failed."""
    if isinstance(node, dict):
        return bool(node.get("error")) or any(any_error(v) for v in node.values())
    if isinstance(node, list):
        return any(any_error(v) for v in node)
    return False


if __name__ == "__main__":
    sys.exit(main())
