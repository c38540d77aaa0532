#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz one after another for a bounded time (docs/testing.md).
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]      FUZZ_TARGETS="fuzz_verdict ..." to pick some
# Seeds: the committed corpus tests/fuzz/corpus/<target>/ (small seeds and every input that once
# crashed) plus the fixture files listed in tests/fuzz/seeds/<target>.txt. New coverage goes to
# BUILD_DIR/corpus/<target>/ (kept between runs), crashes to BUILD_DIR/crashes/<target>-*.
# Exits 1 when any target crashed, leaked, hit UB, timed out or ran out of memory.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS]}" && pwd)"
seconds="${2:-60}"
targets="${FUZZ_TARGETS:-$(cd "$root/tests/fuzz/seeds" && ls ./*.txt | sed 's|^\./||; s|\.txt$||')}"

mkdir -p "$build/crashes"
failed=()
for target in $targets; do
  bin="$build/fuzz/$target"
  if [[ ! -x "$bin" ]]; then
    echo "fuzz: $target is not built ($bin)" >&2
    failed+=("$target")
    continue
  fi
  seeds="$build/seeds/$target"
  work="$build/corpus/$target"
  rm -rf "$seeds" && mkdir -p "$seeds" "$work"
  # Each listed path is relative to the repository root; globs allowed; '#' starts a comment.
  while read -r pattern; do
    [[ -z "$pattern" || "$pattern" == \#* ]] && continue
    for file in $root/$pattern; do
      [[ -f "$file" ]] && cp "$file" "$seeds/$(echo "${file#"$root"/}" | tr '/' '_')"
    done
  done < "$root/tests/fuzz/seeds/$target.txt"
  dirs=("$work" "$seeds")
  [[ -d "$root/tests/fuzz/corpus/$target" ]] && dirs+=("$root/tests/fuzz/corpus/$target")
  echo "fuzz: $target for ${seconds}s"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a parser that balloons is a bug too.
  if ! ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}" \
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$target-" "${dirs[@]}" > "$build/crashes/$target.log" 2>&1; then
    echo "fuzz: $target FAILED, see $build/crashes/$target.log" >&2
    grep -m3 -E "ERROR|runtime error|invariant|Test unit written" "$build/crashes/$target.log" >&2
    failed+=("$target")
  else
    grep -E "^stat::(number_of_executed_units|new_units_added)|cov: " "$build/crashes/$target.log" | tail -3
  fi
done
if (( ${#failed[@]} )); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran clean"
