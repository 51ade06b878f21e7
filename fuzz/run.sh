#!/usr/bin/env bash
# Runs fuzz targets with cargo-fuzz (nightly): `fuzz/run.sh TARGET SECONDS`, or
# `fuzz/run.sh all SECONDS` for every target in turn. Seeds the corpora first. A crash
# leaves its input in fuzz/artifacts/TARGET/ and stops with a non-zero status.
#
#   cargo install cargo-fuzz          # once
#   fuzz/run.sh all 60                # a smoke run: a minute per target
#   fuzz/run.sh turns 3600            # a long run of one target
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET|all SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET|all SECONDS}
./seed.sh > /dev/null
if [ "$target" = all ]; then
  targets=$(cargo +nightly fuzz list)
else
  targets=$target
fi
for t in $targets; do
  echo "== $t: ${seconds}s"
  # -timeout: an input that takes over 10 s is a hang (time must stay linear);
  # -rss_limit_mb: memory must stay bounded; -max_len: captures of up to 64 KiB.
  cargo +nightly fuzz run "$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1
done
