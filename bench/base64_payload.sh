#!/usr/bin/env bash
# False alarms in base64 payload: tokens of a provider's shape that base64
# text holds by chance (docs/documents-and-bundles.md, "Base64 payload").
# Writes, under a temporary directory:
#   random.txt     base64 of random bytes, one line
#   random.pem     the same wrapped at 64 columns (PEM, MIME)
#   data-uris.css  url(data:...;base64,...) of real files from /usr/lib and
#                  /usr/share (fonts, images, libraries: long runs of `A`)
#   package-lock.json, go.sum   lock files: sha512 integrity and h1: digests
#   paths.js       one 2 MB line of URL paths holding 20,000 tokens
#                  (`"ab/EAA.../cd",`): real tokens, reported; times the
#                  glue check on a line it must not walk once per token
# then scans them (`--min-confidence low`) and prints the findings per file
# and rule, for each binary given.
#
#   bench/base64_payload.sh [KEYWARD...]        (default build/keyward)
#   MB=40 bench/base64_payload.sh old/keyward build/keyward
#
# MB (default 40) is the size of each random input before encoding; KEEP=1
# leaves the inputs in place (their directory is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-40}
[ $# -gt 0 ] || set -- build/keyward
WORK=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "inputs kept in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

head -c $((MB << 20)) /dev/urandom | base64 -w0 >"$WORK/random.txt"
head -c $((MB << 20)) /dev/urandom | base64 -w64 >"$WORK/random.pem"
# Real files' bytes, as a stylesheet inlines them, until MB MiB are written.
find /usr/lib /usr/share -type f -size +20k -size -2M 2>/dev/null |
  LC_ALL=C sort >"$WORK/files"
: >"$WORK/data-uris.css"
while read -r f && [ "$(stat -c %s "$WORK/data-uris.css")" -lt $((MB << 20)) ]; do
  { printf '.i{background:url(data:application/octet-stream;base64,'
    base64 -w0 "$f"
    printf ')}\n'; } >>"$WORK/data-uris.css"
done <"$WORK/files"
rm "$WORK/files"
python3 - "$WORK" "$MB" <<'EOF'
import base64, os, sys
work, mb = sys.argv[1], int(sys.argv[2])
n = mb * 4000  # ~250 bytes a package entry
with open(os.path.join(work, "package-lock.json"), "w") as f:
    f.write('{\n  "packages": {\n')
    for i in range(n):
        h = base64.b64encode(os.urandom(64)).decode()
        f.write(f'    "node_modules/pkg{i}": {{\n      "version": "1.0.{i % 50}",\n'
                f'      "integrity": "sha512-{h}"\n    }},\n')
    f.write('    "": {}\n  }\n}\n')
import random, string
rng = random.Random(1)
alnum = string.ascii_letters + string.digits
with open(os.path.join(work, "paths.js"), "w") as f:
    f.write("var u=[" + "".join(
        '"ab/EAA' + "".join(rng.choice(alnum) for _ in range(94)) + '/cd",'
        for _ in range(20000)) + "];\n")
with open(os.path.join(work, "go.sum"), "w") as f:
    for i in range(n):
        h = base64.b64encode(os.urandom(32)).decode()
        f.write(f"example.org/mod{i} v1.{i % 9}.0 h1:{h}\n")
EOF
du -h "$WORK"/* | sed "s|$WORK/||"
for bin in "$@"; do
  out=$WORK/out.json
  # Warm: a binary's first run after a rule change compiles its databases.
  printf 'x\n' >"$WORK/warm.txt"
  "$bin" scan --no-config --quiet "$WORK/warm.txt" >/dev/null || true
  rm "$WORK/warm.txt"
  start=$(date +%s.%N)
  "$bin" scan --no-config --no-ignore --min-confidence low --quiet \
    --format json -o "$out" "$WORK" || true
  end=$(date +%s.%N)
  python3 - "$out" "$bin" "$start" "$end" <<'EOF'
import collections, json, sys
out, binary, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
findings = json.load(open(out))["findings"]
by = collections.Counter((f["path"].rsplit("/", 1)[-1], f["rule_id"]) for f in findings)
print(f"{binary}: {len(findings)} findings, {end - start:.2f} s")
for (path, rule), n in sorted(by.items()):
    print(f"  {path:20} {rule:36} {n}")
EOF
done
