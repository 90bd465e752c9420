# keyward container image: Debian bookworm-slim, non-root, the built-in rule
# databases compiled into the binary at build time.
#
#   docker build -t keyward:0.2.0 .
#   docker run --rm -v "$PWD:/src:ro" keyward:0.2.0 scan /src
#   docker run --rm -v "$PWD:/src:ro" keyward:0.2.0 scan --git /src
#
# A container's home is new on every run: pass the fingerprint key
# (`-e KEYWARD_FINGERPRINT_KEY`) so fingerprints, baselines and allowlists
# match across runs (docs/ci.md, "Fingerprint key").
#
# Stage 1 builds and packages keyward (the same .deb CI tests); stage 2
# installs only that package and its runtime libraries.
FROM debian:bookworm-slim AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config git dpkg-dev file \
      libhyperscan-dev libre2-dev nlohmann-json3-dev libcli11-dev \
      libyaml-cpp-dev libssl-dev libgit2-dev zlib1g-dev libpoppler-cpp-dev libsqlite3-dev libcurl4-openssl-dev libarchive-dev libdeflate-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DKEYWARD_BUILD_TESTS=OFF \
 && cmake --build /build -j "$(nproc)" \
 && cd /build && cpack -G DEB \
 && mv /build/keyward_*.deb /keyward.deb

FROM debian:bookworm-slim
COPY --from=build /keyward.deb /tmp/keyward.deb
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/keyward.deb git ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/keyward.deb \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin keyward \
 && git config --system --add safe.directory '*'
USER keyward
WORKDIR /src
# Fails the image build if the binary does not run or its rules do not check.
RUN keyward --version && keyward rules check
ENTRYPOINT ["keyward"]
CMD ["scan", "."]
