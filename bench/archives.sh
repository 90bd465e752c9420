#!/usr/bin/env bash
# Archive scanning throughput and memory (issue 16): a directory of archives
# made from real text on this machine (/usr/include), scanned against the
# same text as plain files, and the bomb cases' peak RSS.
#
#   bench/archives.sh WORK_DIR
#
# Builds once in WORK_DIR (delete it to rebuild):
#   plain/     a copy of /usr/include (the baseline: the same bytes as text)
#   archives/  include.zip, include.tar.gz, include.tar.zst, app.jar (a jar
#              holding include.zip: one nested level), logs.tar.xz and a
#              zstd log (app.log.zst, text of /usr/include concatenated)
#   bombs/     bomb.zip (one entry of 10 GB of zeros, ~10 MB), nested.zip
#              (20 zips one inside the other)
# then runs `keyward scan --stats` on each with /usr/bin/time -v and prints
# MB of uncompressed text scanned, wall seconds, CPU seconds, MB/s (of the
# uncompressed bytes, per wall second and per CPU second) and peak RSS. The machine may be
# shared: CPU seconds and RSS are steadier than wall time.
#
# Environment: KEYWARD (binary, default build/keyward), JOBS (default 2),
# SOURCE (text tree, default /usr/include).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
keyward=${KEYWARD:-$repo/build/keyward}
jobs=${JOBS:-2}
source_dir=${SOURCE:-/usr/include}

die() { echo "archives: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: $0 WORK_DIR"
[ -x "$keyward" ] || die "no keyward binary at $keyward (set KEYWARD=...)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package time)"
for tool in zip tar zstd xz python3; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
work=$(mkdir -p "$1" && cd "$1" && pwd)

if [ ! -e "$work/.built" ]; then
  rm -rf "$work/plain" "$work/archives" "$work/bombs"
  mkdir -p "$work/plain" "$work/archives" "$work/bombs"
  cp -r "$source_dir" "$work/plain/include"
  (cd "$work/plain" && zip -qr "$work/archives/include.zip" include)
  (cd "$work/plain" && tar czf "$work/archives/include.tar.gz" include)
  (cd "$work/plain" && tar cf - include | zstd -q -o "$work/archives/include.tar.zst")
  mkdir -p "$work/jar/lib"
  cp "$work/archives/include.zip" "$work/jar/lib/"
  (cd "$work/jar" && zip -q0r "$work/archives/app.jar" lib)
  rm -rf "$work/jar"
  find "$work/plain/include" -name '*.h' -size -64k -print0 | sort -z |
    xargs -0 cat > "$work/app.log"
  zstd -q "$work/app.log" -o "$work/archives/app.log.zst"
  (cd "$work" && tar cf - app.log | xz -1 > "$work/archives/logs.tar.xz")
  rm -f "$work/app.log"
  python3 - "$work/bombs" <<'PY'
import io, struct, sys, zipfile, zlib
out = sys.argv[1]
# One entry of 10 GB of zeros: a full-flushed MiB of deflate repeated.
mib, total = 1 << 20, 10 << 30
z = zlib.compressobj(9, zlib.DEFLATED, -15)
first = z.compress(bytes(mib)) + z.flush(zlib.Z_FULL_FLUSH)
middle = z.compress(bytes(mib)) + z.flush(zlib.Z_FULL_FLUSH)
tail = z.flush(zlib.Z_FINISH)
crc = 0
block = bytes(mib)
c1 = zlib.crc32(block)
# crc of n zero MiBs by streaming (cheap: 10 GB of crc32 is slow, so
# combine: crc32 of zeros is linear; compute by repeated crc over a block).
for _ in range(total // mib):
    crc = zlib.crc32(block, crc)
name = b"zeros.bin"
csize = len(first) + len(middle) * (total // mib - 1) + len(tail)
extra = struct.pack("<HHQQ", 1, 16, total, csize)
with open(out + "/bomb.zip", "wb") as f:
    f.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0, crc,
                        0xffffffff, 0xffffffff, len(name), len(extra)))
    f.write(name + extra + first)
    for _ in range(total // mib - 1):
        f.write(middle)
    f.write(tail)
    cd = f.tell()
    f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0,
                        crc, 0xffffffff, 0xffffffff, len(name), len(extra), 0,
                        0, 0, 0, 0))
    f.write(name + extra)
    end = f.tell()
    f.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, end - cd, cd, 0))
# Twenty zips one inside the other.
data = b""
for level in range(20, 0, -1):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("level%d.txt" % level, "level %d\n" % level)
        if data:
            zf.writestr("next.zip", data)
    data = buf.getvalue()
open(out + "/nested.zip", "wb").write(data)
PY
  touch "$work/.built"
fi

# name path: one timed scan, one line of figures.
run() {
  local name=$1 path=$2 log
  log=$(mktemp)
  /usr/bin/time -v "$keyward" scan --stats --quiet -j "$jobs" --no-ignore \
    "$path" >/dev/null 2>"$log" || [ $? -eq 1 ]
  python3 - "$name" "$log" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
def grab(pattern, cast=float):
    m = re.search(pattern, text, re.M)
    return cast(m.group(1)) if m else 0
mb = grab(r"^bytes:\s+(\d+)", int) / 1e6
wall = grab(r"^seconds:\s+([\d.]+)")
cpu = grab(r"User time \(seconds\): ([\d.]+)") + grab(r"System time \(seconds\): ([\d.]+)")
rss = grab(r"Maximum resident set size \(kbytes\): (\d+)", int) / 1024
arch = re.search(r"^archives:\s+(.*)$", text, re.M)
warn = len(re.findall(r"warning:", text))
print("%-16s %9.1f %8.2f %8.2f %8.1f %9.1f %8.1f  %s; %d warnings" % (
    name, mb, wall, cpu, mb / wall if wall else 0, mb / cpu if cpu else 0, rss,
    arch.group(1) if arch else "", warn))
PY
  rm -f "$log"
}

echo "keyward $("$keyward" --version 2>/dev/null | head -1), -j $jobs, $(nproc) cores"
printf '%-16s %9s %8s %8s %8s %9s %8s  %s\n' case "MB text" "wall s" "cpu s" \
  "MB/s" "MB/cpu-s" "RSS MB" "archives"
run plain "$work/plain"
for f in "$work"/archives/*; do run "$(basename "$f")" "$f"; done
run archives-dir "$work/archives"
run bomb.zip "$work/bombs/bomb.zip"
run nested.zip "$work/bombs/nested.zip"
