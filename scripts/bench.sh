#!/usr/bin/env bash
# make bench: measures; never run by the tests.
#  1. per sample document: gongwen's end-to-end time per PDF, with its font subsets made
#     anew (cold) and taken from the cache (warm), beside a bare `typst compile` of the same
#     generated source with the full font files (median of RUNS runs);
#     then sealed against unsealed, and the OFD on top of the PDF it is drawn from;
#  2. batches of synthetic documents (N of each kind): Markdown+CSV documents per second,
#     PDFs per second, the PDF batch against Σ bare typst ÷ jobs, peak memory, and the
#     speed-up from 1 to 2 jobs;
#  3. gongwen serve: the bounded load test built for release (validate and render requests
#     per second, p50 and p99 latency, the server's peak memory), and the render API's
#     throughput against `gongwen build` of the same documents.
set -euo pipefail
bin=$1 typst=$2 data=$3
# Absolute: gongwen runs typst (and the wrapper below) inside a temporary folder.
typst=$(cd "$(dirname "$typst")" && pwd)/$(basename "$typst")
runs=${RUNS:-11}
md_sizes=${MD_SIZES:-10 100 1000}
pdf_sizes=${PDF_SIZES:-10 67 200}
jobs=$(nproc)
# BENCH_DIR puts the generated documents and outputs elsewhere, e.g. on a tmpfs.
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/gongwen-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A cache of the bench's own, so the user's is neither used nor filled.
export XDG_CACHE_HOME="$work/cache"
# Runs the command with no font subsets cached (the other caches kept).
cold() { rm -rf "$XDG_CACHE_HOME/gongwen/font-subsets"; "$@"; }

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# Milliseconds of the median of $runs runs of the command.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(now_us)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(now_us)
    times+=($(( end - start )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"$bin" fonts --link "$work/fonts" >/dev/null
echo "== per document: gongwen build --format pdf vs bare typst compile with the full fonts ($runs runs, median)"
printf '%-34s %9s %9s %9s %7s %7s\n' document "cold ms" "warm ms" "typst ms" cold/t warm/t
for file in $(find "$data" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) | sort); do
  stem=$(basename "${file%.*}")
  "$bin" build "$file" --format typ -o "$work/src" -q >/dev/null 2>&1
  cold_ms=$(median_ms cold "$bin" build "$file" --format pdf -o "$work/pdf" -q --force)
  warm_ms=$(median_ms "$bin" build "$file" --format pdf -o "$work/pdf" -q --force)
  bare=$(median_ms "$typst" compile --root "$work/src" --font-path "$work/fonts" --ignore-system-fonts \
    --creation-timestamp 0 "$work/src/$stem.typ" "$work/bare.pdf")
  printf '%-34s %9s %9s %9s %7s %7s\n' "$stem" "$cold_ms" "$warm_ms" "$bare" \
    "$(ratio "$cold_ms" "$bare")" "$(ratio "$warm_ms" "$bare")"
done

# A sealed document against the same unsealed: every sample with a seal stamped by hand
# (the sealed layout) and with an SVG test seal drawn here (the image placed too).
echo
echo "== per document: sealed against unsealed (gongwen build --format pdf, warm, $runs runs, median)"
printf '%-34s %9s %9s %9s %7s %7s\n' document "plain ms" "hand ms" "image ms" hand/p image/p
mkdir -p "$work/seal-hand" "$work/seal-image"
cat >"$work/seal-image/seal.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 420 420"><circle cx="210" cy="210" r="196" fill="none" stroke="#e60012" stroke-width="14"/><text x="210" y="345" text-anchor="middle" font-size="44" fill="#e60012">测试专用章</text></svg>
SVG
for file in $(find "$data" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) | sort); do
  stem=$(basename "${file%.*}")
  { cat "$file"; printf '\nseal: 手工盖章\n'; } >"$work/seal-hand/$stem.yaml"
  { cat "$file"; printf '\nseal: seal.svg\n'; } >"$work/seal-image/$stem.yaml"
  plain=$(median_ms "$bin" build "$file" --format pdf -o "$work/pdf" -q --force)
  hand=$(median_ms "$bin" build "$work/seal-hand/$stem.yaml" --format pdf -o "$work/pdf" -q --force)
  image=$(median_ms "$bin" build "$work/seal-image/$stem.yaml" --format pdf -o "$work/pdf" -q --force)
  printf '%-34s %9s %9s %9s %7s %7s\n' "$stem" "$plain" "$hand" "$image" \
    "$(ratio "$hand" "$plain")" "$(ratio "$image" "$plain")"
done

# OFD per document: the OFD is drawn from the PDF of the same run, so its cost is what a
# build of both takes beyond a build of the PDF alone. The two builds alternate, run after
# run (OFD_RUNS, default 3 × RUNS), so that a shared machine's changing load falls on both
# alike; the medians are compared.
ofd_runs=${OFD_RUNS:-$((runs * 3))}
echo
echo "== per document: OFD on top of its PDF (gongwen build, warm, $ofd_runs alternating runs, median)"
printf '%-34s %9s %9s %9s %7s\n' document "pdf ms" "pdf+ofd" "ofd ms" ofd/pdf
for file in $(find "$data" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) | sort); do
  stem=$(basename "${file%.*}")
  pdf_times=() both_times=()
  for _ in $(seq "$ofd_runs"); do
    for format in pdf pdf,ofd; do
      start=$(now_us)
      "$bin" build "$file" --format "$format" -o "$work/ofd" -q --force >/dev/null 2>&1 || { echo "failed: $file $format" >&2; exit 1; }
      end=$(now_us)
      if [ "$format" = pdf ]; then pdf_times+=($(( end - start ))); else both_times+=($(( end - start ))); fi
    done
  done
  middle() { printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'; }
  pdf=$(middle "${pdf_times[@]}")
  both=$(middle "${both_times[@]}")
  ofd=$(awk -v a="$both" -v b="$pdf" 'BEGIN { printf "%.1f", a - b }')
  printf '%-34s %9s %9s %9s %7s\n' "$stem" "$pdf" "$both" "$ofd" "$(ratio "$ofd" "$pdf")"
done

# DOCX and XLSX per document: a batch of all samples, each format alone, minus a batch that
# writes only Markdown (start-up, loading and rendering), divided by the documents.
echo
echo "== per document: DOCX and XLSX beside Markdown alone (all samples in one build, $runs runs, median)"
count=$(find "$data" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) | wc -l)
md_ms=$(median_ms "$bin" build "$data" --format md -o "$work/office" -q --force)
for format in docx xlsx; do
  ms=$(median_ms "$bin" build "$data" --format "md,$format" -o "$work/office" -q --force)
  awk -v f="$format" -v a="$ms" -v b="$md_ms" -v n="$count" \
    'BEGIN { printf "%-6s %8.2f ms per document (build %.1f ms, Markdown alone %.1f ms, %d documents)\n", f, (a - b) / n, a, b, n }'
done

# N synthetic documents of each kind found among the samples (its first sample by name,
# with its organ varied, and a reply's proposal number, which a build's replies may not
# share), beside every sample once (the files that linked ones name).
generate() {
  local n=$1 dir=$2
  mkdir -p "$dir"
  cp "$data"/*.yaml "$dir/"
  for kind in $(sed -n 's/^kind: *//p' "$data"/*.yaml | sort -u); do
    local file
    file=$(grep -l "^kind: *$kind *$" "$data"/*.yaml | sort | head -1)
    for i in $(seq "$n"); do
      sed -e "s/^organ: \(.*\)$/organ: \1第${i}分局/" \
        -e "s/^\(  number: \)\"\([0-9]*\)\"$/\1\"\2${i}\"/" "$file" > "$dir/$kind-$i.yaml"
    done
  done
}

# Seconds and peak KiB (GNU time, where installed) of one full (forced) build.
timed_build() {
  local start end peak=n/a
  start=$(now_us)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/peak" "$bin" build "$@" -q --force >/dev/null 2>&1
    peak=$(tail -1 "$work/peak")
  else
    "$bin" build "$@" -q --force >/dev/null 2>&1
  fi
  end=$(now_us)
  echo "$(awk -v us=$(( end - start )) 'BEGIN { printf "%.3f", us / 1e6 }') $peak"
}

echo
echo "== Markdown + CSV batches ($jobs jobs)"
printf '%8s %10s %10s %12s %12s\n' "N/kind" documents seconds "docs/s" "peak KiB"
for n in $md_sizes; do
  generate "$n" "$work/md-$n"
  count=$(find "$work/md-$n" -name '*.yaml' | wc -l)
  read -r secs peak < <(timed_build "$work/md-$n" -o "$work/md-out-$n" --format md,csv)
  printf '%8s %10s %10s %12s %12s\n' "$n" "$count" "$secs" "$(ratio "$count" "$secs")" "$peak"
done

# typst through a wrapper that logs each process's peak resident memory (KiB).
rss_typst="$work/typst-rss"
if [ -x /usr/bin/time ]; then
  printf '#!/bin/sh\nexec /usr/bin/time -a -o "%s" -f %%M "%s" "$@"\n' "$work/rss.log" "$typst" > "$rss_typst"
  chmod +x "$rss_typst"
fi

echo
echo "== PDF batches ($jobs jobs; cold: no font subsets cached; ms/PDF of the cold build)"
printf '%8s %6s %8s %8s %8s %14s %8s %12s %12s\n' "N/kind" PDFs "cold s" "warm s" "ms/PDF" \
  "Σtypst/jobs s" cold/t "peak KiB" "typst KiB"
for n in $pdf_sizes; do
  dir="$work/pdf-$n"
  generate "$n" "$dir"
  count=$(find "$dir" -name '*.yaml' | wc -l)
  rm -rf "$XDG_CACHE_HOME/gongwen/font-subsets" "$work/rss.log"
  if [ -x "$rss_typst" ]; then
    read -r secs peak < <(GONGWEN_TYPST="$rss_typst" timed_build "$dir" -o "$work/pdf-out-$n" --format pdf)
    typst_peak=$(sort -n "$work/rss.log" | tail -1)
    rm -rf "$XDG_CACHE_HOME/gongwen/font-subsets"
  else
    typst_peak=n/a
  fi
  # Timed without the wrapper: cold, then warm.
  read -r secs peak < <(timed_build "$dir" -o "$work/pdf-out-$n" --format pdf)
  read -r warm _ < <(timed_build "$dir" -o "$work/pdf-out-$n" --format pdf)
  "$bin" build "$dir" -o "$work/typ-$n" --format typ -q >/dev/null 2>&1
  start=$(now_us)
  for src in "$work/typ-$n"/*.typ; do
    case "$(basename "$src")" in gongwen.typ|gbt9704.typ) continue ;; esac
    "$typst" compile --root "$work/typ-$n" --font-path "$work/fonts" --ignore-system-fonts \
      --creation-timestamp 0 "$src" "$work/bare.pdf"
  done
  end=$(now_us)
  bare=$(awk -v us=$(( end - start )) -v j="$jobs" 'BEGIN { printf "%.3f", us / 1e6 / j }')
  printf '%8s %6s %8s %8s %8s %14s %8s %12s %12s\n' "$n" "$count" "$secs" "$warm" \
    "$(awk -v s="$secs" -v n="$count" 'BEGIN { printf "%.1f", s * 1000 / n }')" \
    "$bare" "$(ratio "$secs" "$bare")" "$peak" "$typst_peak"
done

echo
echo "== speed-up from 1 to 2 jobs"
n=$(echo "$pdf_sizes" | awk '{ print $2 ? $2 : $1 }')
read -r one _ < <(timed_build "$work/pdf-$n" -o "$work/j1" --format pdf -j 1)
read -r two _ < <(timed_build "$work/pdf-$n" -o "$work/j2" --format pdf -j 2)
echo "PDF batch, N=$n per kind: 1 job ${one} s, 2 jobs ${two} s, speed-up $(ratio "$one" "$two")"
n=$(echo "$md_sizes" | awk '{ print $NF }')
read -r one _ < <(timed_build "$work/md-$n" -o "$work/m1" --format md,csv -j 1)
read -r two _ < <(timed_build "$work/md-$n" -o "$work/m2" --format md,csv -j 2)
echo "Markdown+CSV batch, N=$n per kind: 1 job ${one} s, 2 jobs ${two} s, speed-up $(ratio "$one" "$two")"
echo "($(nproc) cores; typst $("$typst" --version | awk '{print $2}'))"

# The render API against a batch build of the same replies: SERVE_N documents, each sent
# as one request (format=pdf) by `jobs` clients at once, and the same files built by one
# `gongwen build --format pdf --jobs $jobs`.
serve_n=${SERVE_N:-40}
echo
echo "== gongwen serve: render API against gongwen build ($serve_n PDFs, $jobs at once)"
reply=$(grep -l "^kind: *proposal-reply *$" "$data"/*.yaml | sort | head -1)
mkdir -p "$work/serve/data" "$work/serve/batch"
for i in $(seq "$serve_n"); do
  sed -e "s/^\(  number: \)\"\([0-9]*\)\"$/\1\"\2${i}\"/" "$reply" > "$work/serve/batch/reply-$i.yaml"
done
cp "$reply" "$work/serve/data/"
"$bin" serve "$work/serve/data" -o "$work/serve/out" --port 0 > "$work/serve/log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "http://" "$work/serve/log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*/' "$work/serve/log" | head -1)
# Warm: the font subsets of these documents are cached for both.
curl -sf --data-binary @"$work/serve/batch/reply-1.yaml" "${url}api/v1/render?format=pdf" -o /dev/null
"$bin" build "$work/serve/batch" -o "$work/serve/batch-out" --format pdf -q >/dev/null 2>&1
start=$(now_us)
ls "$work/serve/batch"/*.yaml | xargs -P "$jobs" -I{} curl -sf --data-binary @{} "${url}api/v1/render?format=pdf" -o /dev/null
end=$(now_us)
api=$(awk -v us=$(( end - start )) -v n="$serve_n" 'BEGIN { printf "%.2f", n / (us / 1e6) }')
built=$(timed_build "$work/serve/batch" -o "$work/serve/batch-out" --format pdf --jobs "$jobs" | awk -v n="$serve_n" '{ printf "%.2f", n / $1 }')
echo "render API ${api} PDFs/s, gongwen build ${built} PDFs/s: the API at $(ratio "$api" "$built") of the build"
kill $server 2>/dev/null || true

echo
echo "== gongwen serve: the bounded load test (release build; 1,000 validate and 200 render requests, 8 at once)"
GONGWEN_BENCH_OUT="$work/load.txt" cargo test --release --locked --test serve_load >/dev/null 2>&1 \
  || { echo "the load test failed: cargo test --release --test serve_load" >&2; exit 1; }
cat "$work/load.txt"
