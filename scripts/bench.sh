#!/usr/bin/env bash
# make bench: for each sample document, gongwen's end-to-end time per PDF beside a bare
# `typst compile` of the same generated source with the same fonts. Median of RUNS runs.
set -euo pipefail
bin=$1 typst=$2 data=$3
runs=${RUNS:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Milliseconds (with decimals) of the median of $runs runs of the command.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

"$bin" fonts --link "$work/fonts" >/dev/null
printf '%-32s %12s %12s %8s\n' document "gongwen ms" "typst ms" ratio
for file in $(find "$data" -name '*.yaml' -o -name '*.yml' | sort); do
  stem=$(basename "${file%.*}")
  "$bin" build "$file" --format typ -o "$work/src" >/dev/null 2>&1
  ours=$(median_ms "$bin" build "$file" --format pdf -o "$work/pdf")
  bare=$(median_ms "$typst" compile --root "$work/src" --font-path "$work/fonts" --ignore-system-fonts \
    --creation-timestamp 0 "$work/src/$stem.typ" "$work/bare.pdf")
  printf '%-32s %12s %12s %8s\n' "$stem" "$ours" "$bare" "$(awk -v a="$ours" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
done
echo "($runs runs each, median; $(nproc) cores; typst $("$typst" --version | awk '{print $2}'))"
