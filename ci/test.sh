#!/usr/bin/env bash
# Sets up, builds, runs the whole test suite and checks the rule library.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
build/keyward rules check
