#!/usr/bin/env bash
# Builds the Debian package from build/ and proves it: installs it with
# `dpkg -i` into an empty root (no keyward anywhere else on its PATH), checks
# the package's files and metadata, and runs the installed binary on a tree
# with a planted token. Then, where a Docker daemon answers, builds the
# container image and runs it on the same tree.
#
#   ci/package_test.sh            (after ci/setup.sh built build/)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
fail() { echo "package_test: $*" >&2; exit 1; }

(cd build && cpack -G DEB >/dev/null)
deb=$(ls -t build/keyward_*.deb | head -1)
[ -f "$deb" ] || fail "cpack made no .deb"
echo "package_test: $deb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
# The empty root has none of the runtime libraries: --force-depends installs
# anyway; the binary then runs with the host's libraries (same Debian).
dpkg --root="$root" --log=/dev/null --force-depends --force-not-root \
  --force-script-chrootless -i "$deb" >/dev/null 2>"$work/dpkg.err" ||
  { cat "$work/dpkg.err" >&2; fail "dpkg -i failed"; }
# Checks read whole outputs from variables or files, never `cmd | grep -q`:
# with pipefail, grep -q exiting at the first match can kill the writer with
# SIGPIPE and fail the pipeline (CI saw this on the man page below).
status=$(dpkg --root="$root" -s keyward)
grep -q '^Status: install ok installed' <<<"$status" ||
  fail "dpkg does not list keyward as installed"

# Metadata: runtime dependencies found by dpkg-shlibdeps, version from git.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libhyperscan libre2 libgit2 libpoppler-cpp; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
want_version=$(build/keyward --version | awk '{print $2}')
pkg_version=$(dpkg-deb -f "$deb" Version)
[ "${pkg_version%%[+~]*}" = "${want_version%%-*}" ] ||
  fail "package version $pkg_version does not match keyward $want_version"

# Files Debian policy asks for.
for f in usr/bin/keyward usr/share/man/man1/keyward.1.gz \
         usr/share/doc/keyward/copyright usr/share/doc/keyward/changelog.gz \
         usr/share/bash-completion/completions/keyward \
         usr/share/zsh/vendor-completions/_keyward \
         usr/share/fish/vendor_completions.d/keyward.fish \
         usr/lib/keyward/keyward-pdf.so usr/lib/keyward/keyward-http.so; do
  [ -f "$root/$f" ] || fail "missing /$f"
done
gzip -t "$root/usr/share/man/man1/keyward.1.gz"
bash -n "$root/usr/share/bash-completion/completions/keyward" ||
  fail "the bash completion script does not parse"
[ ! -e "$root/usr/share/man/man1/keyward.1" ] || fail "uncompressed man page"
zcat "$root/usr/share/man/man1/keyward.1.gz" > "$work/keyward.1"
grep -q '^\.TH' "$work/keyward.1" ||
  fail "the man page is not troff"

# The installed binary, alone on PATH, with an empty cache: it scans with
# the databases compiled into it, finds the planted token and redacts it.
bin=$root/usr/bin/keyward
installed_version=$("$bin" --version)
grep -q "^keyward $want_version" <<<"$installed_version" ||
  fail "installed --version: $("$bin" --version)"
tree=$work/tree
mkdir -p "$tree"
random=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
token="glpat-${random:0:20}"
printf 'GITLAB_TOKEN=%s\n' "$token" > "$tree/deploy.env"
# A one-page PDF with a second token: read through the installed PDF
# module (usr/lib/keyward), located by page.
pdf_token="glpat-${random:20:20}"
python3 - "$tree/runbook.pdf" "$pdf_token" <<'PDF'
import sys
path, token = sys.argv[1], sys.argv[2]
text = b"BT /F1 11 Tf 72 720 Td (GITLAB_TOKEN=" + token.encode() + b") Tj ET"
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"]
out, offsets = b"%PDF-1.4\n", []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
    len(objs) + 1, xref)
open(path, "wb").write(out)
PDF
set +e
# A fresh home: no fingerprint key yet, so the scan creates the per-user
# key file there (never in the real home of the machine running CI).
mkdir -p "$work/home"
PATH=$root/usr/bin:/usr/bin:/bin XDG_CACHE_HOME=$work/cache HOME=$work/home \
  XDG_CONFIG_HOME= KEYWARD_FINGERPRINT_KEY= KEYWARD_FINGERPRINT_KEY_FILE= \
  keyward scan --format json "$tree" > "$work/out.json" 2> "$work/err.txt"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$work/err.txt" >&2; fail "scan exited $rc, want 1"; }
grep -q '"gitlab' "$work/out.json" || fail "the planted token was not found"
grep -q 'runbook.pdf!page-1"' "$work/out.json" ||
  fail "the PDF's token was not found on its page (PDF module): $(cat "$work/err.txt")"
[ "$(stat -c %a "$work/home/.config/keyward/fingerprint.key" 2>/dev/null)" = 600 ] ||
  fail "no per-user fingerprint key (mode 0600) in the fresh home"
grep -q '"fingerprint": "hmac-sha256:' "$work/out.json" ||
  fail "fingerprints are not keyed"
if grep -q -e "$token" -e "$pdf_token" "$work/out.json" "$work/err.txt"; then
  fail "the secret was printed in full"
fi
if grep -q compiling "$work/err.txt"; then
  fail "the installed binary compiled its rules (prebuilt databases missing)"
fi
echo "package_test: .deb installs with dpkg -i and scans ($pkg_version)"

# The container image, where Docker or Podman can build.
engine=""
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
elif command -v podman >/dev/null && podman info >/dev/null 2>&1; then
  engine=podman
fi
if [ -z "$engine" ]; then
  echo "package_test: no Docker/Podman daemon here; the image build is not tested"
  exit 0
fi
tag="keyward-test:$pkg_version"
"$engine" build -q -t "$tag" "$repo" >/dev/null
[ "$("$engine" run --rm --entrypoint id "$tag" -u)" != 0 ] ||
  fail "the image runs as root"
set +e
"$engine" run --rm -v "$tree:/src:ro" "$tag" scan /src > "$work/img.txt"
rc=$?
set -e
[ "$rc" = 1 ] || fail "image scan exited $rc, want 1"
grep -q gitlab "$work/img.txt" || fail "the image did not find the token"
echo "package_test: image $tag builds, runs as non-root and scans"
