#!/usr/bin/env bash
# Builds the libFuzzer harness for the guard's path and upload validators and runs it.
# Usage: Fuzz/run.sh [seconds=60]   (FUZZ_BUILD_DIR overrides where the binary and working corpus go)
set -euo pipefail

seconds="${1:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
build="${FUZZ_BUILD_DIR:-$repo/.build/fuzz}"
swiftc="${SWIFTC:-swiftc}"
mkdir -p "$build/corpus"

echo "building $build/PathValidatorFuzz"
"$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name PathValidatorFuzz \
    "$here/PathValidatorFuzz/main.swift" "$repo"/Sources/Guard/Validation/*.swift \
    -o "$build/PathValidatorFuzz"

# A few seeds so the fuzzer starts from each mode (first byte) and from known tricks.
seed() { printf "$2" > "$build/corpus/seed-$1"; }
seed traversal '\x00../../etc/passwd'
seed cwd '\x01a/b\xff../../c'
seed absolute '\x00/srv/projects/app/../x'
seed encoded '\x00..%%2f%%c0%%ae'
seed lookalike '\x00\xef\xbc\x8e\xef\xbc\x8e\xef\xbc\x8f'
seed bidi '\x02photo\xe2\x80\xaegnp.exe'
seed name '\x02r\xc3\xa9sum\xc3\xa9.md'
seed png '\x03a.png\xff\x89PNG\r\n\x1a\n\x00\x00'
seed elf '\x03a.txt\xff\x7fELF\x02\x01'
seed script '\x03a.sh\xff#!/bin/sh\necho hi\n'

# LeakSanitizer is off: the Swift runtime's metadata caches live for the whole process and read as leaks.
status=0
"$build/PathValidatorFuzz" -max_total_time="$seconds" -max_len=5000 -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$build/" \
    "$build/corpus" > "$build/last-run.log" 2>&1 || status=$?
tail -n 25 "$build/last-run.log"

executions="$(grep -Eo 'number_of_executed_units: *[0-9]+' "$build/last-run.log" | grep -Eo '[0-9]+$' || true)"
echo "executions: ${executions:-unknown} in ${seconds} s (exit status $status; log: $build/last-run.log)"
exit "$status"
