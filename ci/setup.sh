#!/usr/bin/env bash
# Installs what keyward needs on Debian (bookworm) and builds build/keyward.
# Idempotent: packages are installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git
  libhyperscan-dev libre2-dev nlohmann-json3-dev libcli11-dev
  googletest libgtest-dev libyaml-cpp-dev libssl-dev libgit2-dev zlib1g-dev
  python3 python3-jsonschema ripgrep time pre-commit file dpkg-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
