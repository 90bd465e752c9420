#!/usr/bin/env bash
# Writes the seed corpora of every fuzz target into OUT/<target>/:
# the checked-in seeds (fuzz/corpus/<target>/), the project's own rule files,
# and files made on the spot with KEYWARD (a built keyward binary) and git:
# an inventory, a CSV import, a baseline, ticket state and the packs of a
# small repository with deltas (split into index, pack, entry, delta and
# tree seeds by fuzz/pack_seeds.py). Deterministic; idempotent.
#
#   fuzz/make_corpus.sh OUT [KEYWARD]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
keyward="${2:-}"
if [ -n "$keyward" ]; then keyward="$(cd "$(dirname "$keyward")" && pwd)/$(basename "$keyward")"; fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
targets=(rules_yaml config_yaml inventory_json inventory_csv baseline
         ticket_state pack_index pack_entry delta tree pack_reader
         matcher_stream encoded_spans pkcs12 cache_tree)
for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  if [ -d "$src/fuzz/corpus/$t" ]; then
    cp -f "$src/fuzz/corpus/$t"/* "$out/$t/" 2>/dev/null || true
  fi
done

# Rule files: the built-in ones are the loader's seeds, and (their examples
# being fake secrets of every kind) the matcher's, behind the seed byte.
for f in "$src"/rules/*.yaml; do
  cp -f "$f" "$out/rules_yaml/$(basename "$f")"
  { printf '\x07'; head -c 4096 "$f"; } >"$out/matcher_stream/$(basename "$f" .yaml)"
done

# The matcher's dictionary: every rule's literal prefix, and the shapes
# around secrets (assignments, PEM armour, URLs with credentials).
{
  grep -h '^ *prefix: ' "$src"/rules/*.yaml | sed 's/^ *prefix: *//' |
    tr -d "'\"" | sort -u | grep -v '\\' | sed 's/.*/"&"/'
  printf '"%s"\n' '-----BEGIN ' ' PRIVATE KEY-----' '-----END ' 'password=' \
    'secret: ' 'token = ' 'https://user:' '@' 'Authorization: Bearer '
} >"$out/matcher_stream.dict"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "$keyward" ]; then
  # An inventory (salt-keyed) with two credentials, by the CLI.
  inv="$work/inv.json"
  "$keyward" inventory --inventory "$inv" init >/dev/null 2>&1 || true
  printf 'fuzz-seed-secret-one-3f9a' | "$keyward" inventory --inventory "$inv" \
    add --name "Warehouse sync - production" --owner ops --systems warehouse,billing \
    --identifier AKIAFUZZSEED --secret-stdin >/dev/null 2>&1 || true
  printf 'fuzz-seed-secret-two-77c1' | "$keyward" inventory --inventory "$inv" \
    add --name "Billing export - staging" --owner billing \
    --secret-stdin >/dev/null 2>&1 || true
  if [ -s "$inv" ]; then
    { printf '\x00'; cat "$inv"; } >"$out/inventory_json/cli-salt"
    { printf '\x01'; cat "$inv"; } >"$out/inventory_json/cli-salt-pepper"
  fi
  # Tickets and a baseline from a scan of files with fake secrets.
  mkdir -p "$work/tree"
  cat >"$work/tree/app.env" <<'ENV'
DB_PASSWORD="Vq7#pLx2!mZr9Tk4wQ"
aws_secret_access_key = "wJalrXUtnFEMIK7MDENGbPxRfiCYzq8Kd3mT2uLs"
ENV
  (cd "$work" && "$keyward" scan --format json -o report.json \
     --baseline-out "$work/baseline.json" --min-confidence low tree \
     >/dev/null 2>&1) || true
  [ -s "$work/baseline.json" ] && cp "$work/baseline.json" "$out/baseline/cli"
  if [ -s "$work/report.json" ]; then
    "$keyward" tickets --from "$work/report.json" --out "$work/tickets" \
      >/dev/null 2>&1 || true
    for f in "$work"/tickets/KW-*.json; do
      [ -e "$f" ] && cp "$f" "$out/ticket_state/$(basename "$f")"
    done
  fi
fi

# Encoded strings: two parameter bytes (minimum run, budget), then text
# holding each encoding, and the docs' own examples.
{
  printf '\x0c\x40'
  printf 'data:\n  env: %s\n' "$(printf 'API_TOKEN=fuzz-seed-0123456789' | base64 -w0)"
  printf 'url: %s\n' "$(printf 'https://u:p@h/x?a=b' | base64 -w0 | tr '+/' '-_' | tr -d =)"
  printf 'hex=%s\n' "$(printf 'key fuzz-seed-abcdef' | od -An -tx1 | tr -d ' \n')"
  printf 'q=user%%3Apass%%40host%%2Fpath\n'
  printf '{"pem": "-----BEGIN KEY-----\\nAAAA\\u002fBBBB\\x41\\n-----END KEY-----"}\n'
} >"$out/encoded_spans/mixed"
for f in "$src"/docs/decoding.md "$src"/docs/documents-and-bundles.md; do
  [ -f "$f" ] && { printf '\x04\x10'; head -c 8192 "$f"; } \
    >"$out/encoded_spans/$(basename "$f" .md)"
done

# PKCS#12 keystores, made with the openssl tool where there is one: a
# published default password, an empty one, and one that is not opened.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:1024 -nodes -subj /CN=fuzz -days 1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || true
  if [ -s "$work/key.pem" ]; then
    for pass in notasecret "" not-a-default; do
      openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" \
        -passout "pass:$pass" -iter 1000 -maciter \
        -out "$out/pkcs12/pass-${pass:-empty}.p12" >/dev/null 2>&1 || true
    done
  fi
fi

# A small repository whose history has deltas of blobs and of trees.
if command -v git >/dev/null && command -v python3 >/dev/null; then
  repo="$work/repo"
  git init -q "$repo"
  g() { git -C "$repo" -c user.name=fuzz -c user.email=fuzz@example.org \
          -c commit.gpgsign=false "$@"; }
  mkdir -p "$repo/src/lib"
  for i in 1 2 3 4 5 6; do
    seq 1 $((40 * i)) | sed "s/^/line /" >"$repo/src/lib/data.txt"
    printf 'config %s\nkey = value-%s\n' "$i" "$i" >"$repo/src/app.conf"
    echo "file $i" >"$repo/src/lib/f$i.txt"
    g add -A
    GIT_AUTHOR_DATE="2026-01-0${i}T00:00:00Z" \
      GIT_COMMITTER_DATE="2026-01-0${i}T00:00:00Z" g commit -q -m "commit $i"
  done
  g tag -a v1 -m "tag one"
  # Index files: the cache tree as a commit leaves it, then with the
  # directories above a staged edit invalidated.
  cp "$repo/.git/index" "$out/cache_tree/index-committed"
  echo edited >>"$repo/src/lib/f2.txt"
  g add -A
  cp "$repo/.git/index" "$out/cache_tree/index-staged"
  g gc -q --aggressive
  for idx in "$repo"/.git/objects/pack/*.idx; do
    python3 "$src/fuzz/pack_seeds.py" "$idx" "${idx%.idx}.pack" "$out"
  done
fi
echo "seed corpora in $out: $(find "$out" -type f | wc -l) files"
