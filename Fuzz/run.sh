#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs them, one after the other, printing the executions of each.
# Usage: Fuzz/run.sh [path|update|wire|shell|all] [seconds=60]   (seconds per target)
#        Fuzz/run.sh [seconds]                               (as before: the path target only)
# FUZZ_BUILD_DIR overrides where binaries, working corpora, logs and crash files go (default .build/fuzz).
set -euo pipefail

target="path"
if [[ $# -gt 0 && ! "$1" =~ ^[0-9]+$ ]]; then
    target="$1"
    shift
fi
seconds="${1:-60}"
case "$target" in
    path|update|wire|shell|all) ;;
    *) echo "usage: Fuzz/run.sh [path|update|wire|shell|all] [seconds]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
build="${FUZZ_BUILD_DIR:-$repo/.build/fuzz}"
swiftc="${SWIFTC:-swiftc}"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)
mkdir -p "$build/modules"

# Compiles product sources into an instrumented module (object file plus .swiftmodule) the harnesses import.
module() {
    local name="$1"
    shift
    echo "building module $name"
    "$swiftc" "${flags[@]}" -swift-version 6 -wmo -c -module-name "$name" -I "$build/modules" \
        -emit-module -emit-module-path "$build/modules/$name.swiftmodule" "$@" -o "$build/modules/$name.o"
}

# Messages without its one file that needs swift-crypto (job signatures, with the codes of their refusals): signing
# is not part of decoding, and building BoringSSL instrumented is not worth it here.
messages_module() {
    local sources=()
    for file in "$repo"/Sources/Messages/*.swift; do
        [[ "$file" == */JobSignature.swift ]] || sources+=("$file")
    done
    module Messages "${sources[@]}"
}

# Lines "<target>: N executions in S s", printed again at the end when several targets ran.
summary=()

# Runs one harness: the checked-in corpus (if any) is read, new inputs go to the working corpus in $build.
# LeakSanitizer is off: the Swift runtime's metadata caches live for the whole process and read as leaks.
run() {
    local name="$1" max_len="$2" seeds="${3:-}"
    local log="$build/$name.log" status=0
    mkdir -p "$build/corpus-$name"
    # The Swift backtracer is off: libFuzzer already prints the stack, and ASan flags the backtracer's own reads.
    SWIFT_BACKTRACE=enable=no "$build/$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 -detect_leaks=0 \
        -artifact_prefix="$build/$name-" "$build/corpus-$name" ${seeds:+"$seeds"} > "$log" 2>&1 || status=$?
    tail -n 15 "$log"
    local executions
    executions="$(grep -Eo 'number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || true)"
    summary+=("$name: ${executions:-unknown} executions in ${seconds} s (exit status $status; log: $log)")
    echo "${summary[-1]}"
    return "$status"
}

# The build steps below return on failure themselves: errexit does not apply in a function called under `||`.
path_target() {
    echo "building $build/PathValidatorFuzz"
    "$swiftc" "${flags[@]}" -use-ld=lld -module-name PathValidatorFuzz \
        "$here/PathValidatorFuzz/main.swift" "$repo"/Sources/Validation/*.swift -o "$build/PathValidatorFuzz" \
        || return

    # A few seeds so the fuzzer starts from each mode (first byte) and from known tricks.
    local seeds="$build/corpus-PathValidatorFuzz"
    mkdir -p "$seeds"
    seed() { printf "$2" > "$seeds/seed-$1"; }
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
    run PathValidatorFuzz 5000
}

update_target() {
    messages_module || return
    # Only the Codable types and the batch reader: the rest of Telegram needs the HTTP client (libcurl) and Settings.
    module Telegram "$repo"/Sources/Telegram/{Types,MediaTypes,JSONSlicer,TelegramUpdateBatch}.swift || return
    echo "building $build/UpdateDecoderFuzz"
    "$swiftc" "${flags[@]}" -swift-version 6 -use-ld=lld -module-name UpdateDecoderFuzz -I "$build/modules" \
        "$here/UpdateDecoderFuzz/main.swift" \
        "$repo"/Sources/Ingress/{UpdateTranslator,IncomingFile,GroupAddressing,BotIdentity}.swift \
        "$build/modules/Messages.o" "$build/modules/Telegram.o" -o "$build/UpdateDecoderFuzz" || return
    run UpdateDecoderFuzz 16384 "$here/UpdateDecoderFuzz/corpus"
}

wire_target() {
    messages_module || return
    echo "building $build/WireCodecFuzz"
    "$swiftc" "${flags[@]}" -swift-version 6 -use-ld=lld -module-name WireCodecFuzz -I "$build/modules" \
        "$here/WireCodecFuzz/main.swift" "$build/modules/Messages.o" -o "$build/WireCodecFuzz" || return
    run WireCodecFuzz 16384 "$here/WireCodecFuzz/corpus"
}

shell_target() {
    messages_module || return
    module ToolPolicy "$repo"/Sources/ToolPolicy/*.swift "$repo"/Sources/ToolPolicy/Shell/*.swift || return
    echo "building $build/ShellParserFuzz"
    "$swiftc" "${flags[@]}" -swift-version 6 -use-ld=lld -module-name ShellParserFuzz -I "$build/modules" \
        "$here/ShellParserFuzz/main.swift" "$build/modules/Messages.o" "$build/modules/ToolPolicy.o" \
        -o "$build/ShellParserFuzz" || return
    run ShellParserFuzz 4096 "$here/ShellParserFuzz/corpus"
}

status=0
case "$target" in
    path) path_target || status=$? ;;
    update) update_target || status=$? ;;
    wire) wire_target || status=$? ;;
    shell) shell_target || status=$? ;;
    all)
        # Every target runs even if an earlier one found a crash; the exit status reports the last failure.
        path_target || status=$?
        update_target || status=$?
        wire_target || status=$?
        shell_target || status=$?
        printf '%s\n' "${summary[@]}"
        ;;
esac
exit "$status"
