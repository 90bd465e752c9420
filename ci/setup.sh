#!/usr/bin/env bash
# Installs what keyward needs on Debian (bookworm) and builds build/keyward.
# Idempotent: packages are installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/apt_packages.sh
source ci/apt_packages.sh

packages=(
  build-essential cmake pkg-config git
  libhyperscan-dev libre2-dev nlohmann-json3-dev libcli11-dev
  googletest libgtest-dev libyaml-cpp-dev libssl-dev libgit2-dev zlib1g-dev
  libpoppler-cpp-dev
  libsqlite3-dev
  libcurl4-openssl-dev openssl
  libarchive-dev
  libdeflate-dev
  python3 python3-jsonschema ripgrep time pre-commit file dpkg-dev
)
ensure_packages ci/setup.sh "${packages[@]}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
