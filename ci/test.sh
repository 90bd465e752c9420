#!/usr/bin/env bash
# Sets up, builds, runs the whole test suite, checks the rule library and
# builds and installs the Debian package (ci/package_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
build/keyward rules check
ci/package_test.sh
