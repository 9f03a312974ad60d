#if canImport(Glibc)
import Glibc
#endif

// A scripted stand-in for the Claude Code CLI, for benchmarks only: it speaks the part of the stream-json protocol
// the executor uses (user prompt on stdin; `system`/`init`, then `result` with `total_cost_usd` and `session_id` on
// stdout) and starts in about a millisecond, where the real CLI's ~0.4 s would hide the pipeline's own cost.
// Foundation is left out on purpose: it would add to the start-up time being measured around.
//
// Like the real CLI it first answers the executor's `initialize` control request (which registers the PreToolUse hook).
// Directives inside the prompt text: `bench-sleep-ms=N` makes the run take N ms; `bench-linger-ms=N` keeps the
// process alive N ms after its result; `bench-tools=N` makes N tool calls (a Read of a file in the working
// directory) each asked of the executor through the hook, and reports each round trip (`hooks=` µs, comma-separated). The result text carries the process's own clock readings (`spawned=` when
// the executor created it, `started=` at entry, `result=` when the result line is written, microseconds since the
// epoch), so the benchmark can time the pipeline on both sides of the CLI from what reaches Telegram.

let startedAt = epochMicros()
/// When the executor created this process: its first instruction less the CPU time it has used so far, which is
/// everything since the spawn (loading, the C library's and the Swift runtime's start-up), all of it on the CPU
/// since the binary is in the page cache. The stand-in's own start is Claude's cost, not Gatehouse's; any time it
/// waited for a CPU is not in its CPU time, so that much stays on Gatehouse's side of the reading.
let spawnedAt = startedAt - cpuMicros()

func epochMicros() -> Int64 { micros(of: CLOCK_REALTIME) }

func cpuMicros() -> Int64 { micros(of: CLOCK_PROCESS_CPUTIME_ID) }

func micros(of clock: clockid_t) -> Int64 {
    var now = timespec()
    clock_gettime(clock, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
}

func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return write(1, base + offset, buffer.count - offset)
        }
        if written <= 0 { exit(1) }
        offset += written
    }
}

/// The first line on stdin (the user message), as raw text: the directives are plain tokens, no JSON parsing needed.
/// nil when stdin ends before any line, as when the executor withholds the prompt.
func readFirstLine() -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(0, &byte, 1) == 1 {
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
}

func directive(_ name: String, in text: String) -> Int? {
    guard let range = text.firstRange(of: name + "=") else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "--version" {
    emit("0.0.0 (gatehouse-bench fake Claude Code)")
    exit(0)
}
if arguments.first == "--print-start" {
    // Calibration: the first instruction and the spawn estimate, for the benchmark to check against a timed spawn.
    emit("\(startedAt) \(spawnedAt)")
    exit(0)
}

/// The value of `"request_id":"…"` in a raw JSON line.
func requestId(in line: String) -> String {
    guard let range = line.firstRange(of: #""request_id":""#) else { return "" }
    return String(line[range.upperBound...].prefix { $0 != "\"" })
}

var firstLine = readFirstLine()
if let line = firstLine, line.contains(#""subtype":"initialize""#) {
    emit(#"{"type":"control_response","response":{"subtype":"success","request_id":"\#(requestId(in: line))","response":{}}}"#)
    firstLine = readFirstLine()
}
guard let prompt = firstLine else {
    // Like the real CLI given no input: an error, no answer.
    let message = Array("Error: no prompt on stdin\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
let sessionId = "00000000-0000-4000-8000-\(String(String(getpid(), radix: 16)).leftPadded(to: 12))"
emit(#"{"type":"system","subtype":"init","session_id":"\#(sessionId)","model":"bench-fake","cwd":"","tools":[]}"#)
/// Each tool call: the hook question, and the time until the executor's answer is read back.
var hookMicros: [Int64] = []
for index in 0..<min(directive("bench-tools", in: prompt) ?? 0, 1_000) {
    let toolUseId = "toolu_bench_\(index)"
    emit(#"{"type":"assistant","message":{"id":"msg_\#(index)","content":[{"type":"tool_use","id":"\#(toolUseId)","name":"Read","input":{"file_path":"bench-\#(index).txt"}}]},"session_id":"\#(sessionId)"}"#)
    let asked = epochMicros()
    emit(#"{"type":"control_request","request_id":"hook-\#(index)","request":{"subtype":"hook_callback","callback_id":"gatehouse-pre-tool-use","input":{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"bench-\#(index).txt"},"tool_use_id":"\#(toolUseId)"},"tool_use_id":"\#(toolUseId)"}}"#)
    guard readFirstLine() != nil else { exit(1) }
    hookMicros.append(epochMicros() - asked)
    emit(#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"\#(toolUseId)","is_error":false,"content":"ok"}]},"session_id":"\#(sessionId)"}"#)
}
let sleepMs = directive("bench-sleep-ms", in: prompt) ?? 0
if sleepMs > 0 { usleep(UInt32(min(sleepMs, 600_000)) * 1_000) }
let resultAt = epochMicros()
let hooks = hookMicros.isEmpty ? "" : " hooks=" + hookMicros.map(String.init).joined(separator: ",")
let text = "bench-reply spawned=\(spawnedAt) started=\(startedAt) result=\(resultAt)\(hooks)"
emit(#"{"type":"result","subtype":"success","is_error":false,"result":"\#(text)","num_turns":1,"duration_ms":\#(sleepMs),"total_cost_usd":0.0001,"session_id":"\#(sessionId)","terminal_reason":"completed"}"#)
// `bench-linger-ms=N`: stays alive that long after its result, as a CLI finishing its own teardown would.
if let lingerMs = directive("bench-linger-ms", in: prompt), lingerMs > 0 { usleep(UInt32(min(lingerMs, 600_000)) * 1_000) }
exit(0)

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
