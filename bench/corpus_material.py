"""Building material for the bench corpus: real text and code-like line pools.

Real text comes from this machine's Debian files (/usr/include headers, and
/usr/share/doc READMEs, changelogs, examples), read in sorted order so the same
machine gives the same corpus. Lines that look like they carry a credential
(provider prefixes, key=literal assignments, PEM armour, URLs with passwords,
long mixed-case runs) are dropped, so every finding on background text is a
false positive and every planted secret is in the truth file.

Python, JavaScript, Go, YAML, JSON and minified-JS pools are synthesised from
templates filled with identifiers from the headers and words from the docs.
"""

import bisect
import gzip
import hashlib
import os
import re

RISKY = re.compile(
    r"(?i)private key|BEGIN [A-Z ]*KEY|akia|asia[A-Z0-9]{16}|gh[pousr]_|github_pat|glpat|xox[a-z]-|"
    r"[sr]k_(live|test)|pk_live|aiza|\bsk-|hooks\.slack|discord\.com/api|\bSG\.|npm_[a-z0-9]{10}|pypi-|"
    r"\bhf_|shp[a-z]{2}_|do[por]_v1|hvs\.|dapi[0-9a-f]|PMAK|lin_api|dp\.pt|glsa_|NRAK|AccountKey|"
    r"eyJ[A-Za-z0-9]|key-[0-9a-f]{8}|://[^/\s:@]+:[^@\s/]+@|bearer|basic [A-Za-z0-9+/]{12}|"
    r"(passw|secret|token|api.?key|auth|credential|private)\w*['\"]?\s*[:=]+\s*['\"]?[^\s'\"]{6,}")
MIXED_RUN = re.compile(r"[A-Za-z0-9+/_=-]{24,}")


# Lower-case literals at least one of which every RISKY match contains: str.find
# over the whole file is ~100x faster than Python's re with (?i) alternations,
# so the regex only runs on the few lines holding one of them.
RISKY_LITERALS = [
    "private", "begin ", "akia", "asia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat",
    "glpat", "xox", "k_live", "k_test", "aiza", "sk-", "hooks.", "discord", "sg.", "npm_", "pypi-",
    "hf_", "shp", "_v1", "hvs.", "dapi", "pmak", "lin_api", "dp.pt", "glsa_", "nrak", "accountkey",
    "eyj", "key-", "@", "bearer", "basic ", "passw", "secret", "token", "api", "auth", "credential"]


def risky_line_numbers(text):
    """0-based numbers of the lines of text that may carry a credential."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    low = text.lower()
    candidates = set()
    for lit in RISKY_LITERALS:
        pos = low.find(lit)
        while pos != -1:
            i = bisect.bisect_left(newlines, pos)
            candidates.add(i)
            end = newlines[i] if i < len(newlines) else len(text)
            pos = low.find(lit, end)
    lines = text.split("\n")
    bad = {i for i in candidates if RISKY.search(lines[i])}
    for m in MIXED_RUN.finditer(text):
        run = m.group(0)
        if not (run.isupper() or run.islower()) and any(c.isdigit() for c in run):
            bad.add(bisect.bisect_left(newlines, m.start()))
    return bad


def read_tree(root, exts, limit_bytes, digest):
    """Yields clean lines from text files under root (sorted), up to limit_bytes."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(exts) and not (exts == "*"):
                continue
            path = os.path.join(dirpath, name)
            try:
                if name.endswith(".gz"):
                    with gzip.open(path, "rb") as f:
                        data = f.read(2_000_000)
                else:
                    if os.path.islink(path) or os.path.getsize(path) > 4_000_000:
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
            except (OSError, EOFError, gzip.BadGzipFile):
                continue
            if b"\0" in data[:8192]:
                continue
            text = data.decode("utf-8", "ignore")
            digest.update(path.encode())
            bad = risky_line_numbers(text)
            for i, line in enumerate(text.split("\n")):
                line = line.rstrip()
                if len(line) > 300 or i in bad:
                    continue
                total += len(line) + 1
                yield line
            if total >= limit_bytes:
                return


class Material:
    """Pools of lines and vocabularies; built once per run (a few seconds)."""

    def __init__(self, rng, include_mb=40, doc_mb=24):
        digest = hashlib.sha256()
        self.c_lines = list(read_tree("/usr/include", (".h", ".hpp", ".c"), include_mb << 20, digest))
        self.doc_lines = [l for l in read_tree("/usr/share/doc", (".gz", ".txt", ".md", "README",
                                                                   "copyright", ".rst"),
                                               doc_mb << 20, digest) if l.strip()]
        self.digest = digest.hexdigest()
        if len(self.c_lines) < 1000 or len(self.doc_lines) < 1000:
            raise SystemExit("gen_corpus: too little text under /usr/include or /usr/share/doc")
        ids = set()
        for line in self.c_lines[::7]:
            ids.update(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+){1,3}\b", line))
        self.ids = sorted(i for i in ids if 4 <= len(i) <= 28)[:60000]
        words = set()
        for line in self.doc_lines[::5]:
            words.update(re.findall(r"\b[a-z]{3,11}\b", line))
        self.words = sorted(words)[:40000]
        self.sentences = [l.strip() for l in self.doc_lines if 20 < len(l.strip()) < 120]
        self.py = synth(rng, self.py_block, 6 << 20)
        self.js = synth(rng, self.js_block, 6 << 20)
        self.go = synth(rng, self.go_block, 6 << 20)
        self.yaml = synth(rng, self.yaml_block, 3 << 20)
        self.json = synth(rng, self.json_block, 3 << 20)
        self.min_frags = [self.min_fragment(rng) for _ in range(60000)]

    # -- helpers ------------------------------------------------------------
    def id(self, rng):
        return rng.choice(self.ids)

    def camel(self, rng):
        parts = rng.choice(self.ids).split("_")
        return parts[0] + "".join(p.capitalize() for p in parts[1:])

    def say(self, rng):
        return rng.choice(self.sentences).replace('"', "'").replace("\\", "/")

    def py_block(self, rng):
        fn, a, b, c = self.id(rng), self.id(rng), self.id(rng), self.id(rng)
        out = [f"def {fn}({a}, {b}=None):", f'    """{self.say(rng)}"""']
        for _ in range(rng.randrange(3, 12)):
            out.append(rng.choice([
                f"    {a} = {b}.{c}({self.id(rng)})", f"    if {b} is None:",
                f"        return {self.id(rng)}({a})", f"    for {c} in {a}:",
                f"        {self.id(rng)}.append({c})", f"    # {self.say(rng)}",
                f'    log.debug("{self.say(rng)}")', f"    {c} = {{'{rng.choice(self.words)}': {a}}}",
                f"    raise ValueError(\"{self.say(rng)}\")"]))
        out.append(f"    return {a}")
        if rng.random() < 0.15:
            out = [f"from {self.id(rng)} import {self.id(rng)}", f"import {self.id(rng)}", ""] + out
        return out + [""]

    def js_block(self, rng):
        fn, a, b = self.camel(rng), self.camel(rng), self.camel(rng)
        out = [f"export async function {fn}({a}, {b} = {{}}) {{"]
        for _ in range(rng.randrange(3, 12)):
            out.append(rng.choice([
                f"  const {self.camel(rng)} = await {a}.{self.camel(rng)}({b});",
                f"  if (!{a}) throw new Error('{self.say(rng)}');",
                f"  // {self.say(rng)}", f"  {b}.{self.camel(rng)} = {a}.map((x) => x.{self.camel(rng)});",
                f"  console.log(`{rng.choice(self.words)}: ${{{a}}}`);",
                f"  return {{ {self.camel(rng)}: {a}, {self.camel(rng)}: {b} }};"]))
        out += ["}", ""]
        if rng.random() < 0.15:
            out = [f"import {{ {self.camel(rng)} }} from './{self.id(rng)}.js';"] + out
        return out

    def go_block(self, rng):
        fn, a, b = self.camel(rng).capitalize(), self.camel(rng), self.camel(rng)
        out = [f"// {fn} {self.say(rng)}", f"func {fn}(ctx context.Context, {a} *{b.capitalize()}) error {{"]
        for _ in range(rng.randrange(3, 10)):
            out.append(rng.choice([
                f"\t{self.camel(rng)}, err := {a}.{self.camel(rng).capitalize()}(ctx)",
                "\tif err != nil {\n\t\treturn fmt.Errorf(\"%s: %w\", \"" + rng.choice(self.words) + "\", err)\n\t}",
                f"\t// {self.say(rng)}", f"\t{a}.{self.camel(rng).capitalize()} = {rng.randrange(1, 9999)}",
                f"\tfor _, {b} := range {a}.{self.camel(rng).capitalize()} {{\n\t\t_ = {b}\n\t}}"]))
        return out + ["\treturn nil", "}", ""]

    def yaml_block(self, rng):
        out = [f"{rng.choice(self.words)}:"]
        for _ in range(rng.randrange(3, 12)):
            out.append(rng.choice([
                f"  {self.id(rng)}: {rng.choice(self.words)}", f"  {self.id(rng)}: {rng.randrange(1, 65535)}",
                f"  # {self.say(rng)}", f"  - name: {self.id(rng)}\n    image: {rng.choice(self.words)}:1.{rng.randrange(30)}",
                f"  {self.id(rng)}: \"{self.say(rng)}\"", f"  enabled: {rng.choice(['true', 'false'])}"]))
        return out

    def json_block(self, rng):
        out = [f'  "{self.camel(rng)}": {{']
        n = rng.randrange(2, 9)
        for i in range(n):
            v = rng.choice([f'"{self.say(rng)}"', str(rng.randrange(100000)), "true", "null",
                            f'"{rng.choice(self.words)}-{rng.randrange(1, 20)}.{rng.randrange(10)}"'])
            out.append(f'    "{self.camel(rng)}": {v}' + ("," if i < n - 1 else ""))
        return out + ["  },"]

    def min_fragment(self, rng):
        a, b, c = self.camel(rng), self.camel(rng), rng.choice("etnriaos")
        return rng.choice([
            f"function {a}({c},t){{return {c}.{b}(t)||{rng.randrange(99)}}}",
            f"var {a}={c}.{b}(\"{rng.choice(self.words)}\")",
            f"if(!{c})throw new Error(\"{self.say(rng)}\")",
            f"{a}.prototype.{b}=function({c}){{this._{b}={c}}}",
            f"{{key:\"{rng.choice(self.words)}\",value:function({c}){{return this.{b}({c})}}}}",
            f"{c}.exports={{{a}:{a},{b}:{b}}}", f"const {a}=({c})=>{c}.{b}!==void 0",
            f"{c}[\"{rng.choice(self.words)}\"]={rng.randrange(1 << 20)}"])


def synth(rng, block, nbytes):
    lines, total = [], 0
    while total < nbytes:
        for l in block(rng):
            for part in l.split("\n"):  # keep one pool entry per text line
                lines.append(part)
                total += len(part) + 1
    return lines
