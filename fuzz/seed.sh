#!/usr/bin/env bash
# Seeds each target's corpus (fuzz/corpus/TARGET, not committed) from fixtures/ and
# tests/data/: the captures each target reads. Run again any time; it only adds files.
set -euo pipefail
cd "$(dirname "$0")"
root=..
seed() { # TARGET FILE...
  local target=$1
  shift
  mkdir -p "corpus/$target"
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "corpus/$target/$(echo "${file#../}" | tr / _)"
  done
}
mapfile -t all < <(find "$root/fixtures" "$root/tests/data" -type f \
  ! -name '*.gz' ! -name '*.zst' -size -256k | sort)
mapfile -t txtar < <(printf '%s\n' "${all[@]}" | grep '\.txtar$')
mapfile -t raw < <(find "$root/fixtures/raw" -type f | sort)
mapfile -t json < <(printf '%s\n' "${all[@]}" | grep '\.json$')

seed frame "${all[@]}"
seed turns "${all[@]}" "$root"/fixtures/har/*.gz
seed validate "${all[@]}" "$root"/fixtures/har/*.gz
seed sse "${raw[@]}" "${txtar[@]}"
seed coding "${raw[@]}" "${txtar[@]}"
seed txtar "${txtar[@]}"
seed partial_json "${json[@]}"
seed redact "${all[@]}"
seed credentials "${all[@]}"
seed har "$root"/fixtures/har/*.har
seed vcr "$root"/fixtures/cassettes/*.yaml
seed claude_trace "$root"/fixtures/claude-trace/*.jsonl "$root"/tests/data/inputs/claude-trace-*.jsonl
seed eventstream "$root"/fixtures/bedrock/*.bin "$root"/tests/data/inputs/bedrock-*.bin
# A HAR kept compressed, seeded as what it holds.
mkdir -p corpus/har
for gz in "$root"/fixtures/har/*.gz; do
  gzip -dc "$gz" > "corpus/har/$(basename "$gz" .gz)"
done
mkdir -p corpus/vcr
for gz in "$root"/fixtures/cassettes/*.gz; do
  gzip -dc "$gz" > "corpus/vcr/$(basename "$gz" .gz)"
done
# Dump pairs: a byte picking the file name, the request half, `=====`, the response half.
mkdir -p corpus/dump
find "$root/fixtures/dumps" -name '*.req.txt' | sort | while read -r req; do
  stem=${req%.req.txt}
  for answer in "$stem.resp.txt" "$stem.req_error.txt"; do
    [ -f "$answer" ] || continue
    pick=$'\x00'
    [[ $answer == *.req_error.txt ]] && pick=$'\x01'
    { printf '%s' "$pick"; cat "$req"; printf '\n=====\n'; cat "$answer"; } \
      > "corpus/dump/$(basename "$answer")"
  done
done
for target in corpus/*; do
  echo "$(basename "$target"): $(ls "$target" | wc -l) seeds"
done
