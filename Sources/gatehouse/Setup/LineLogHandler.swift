import Foundation
import Logging

/// One line per event on standard error: `2026-11-22T00:31:02.123Z info gatehouse.guard: job dispatched job.id=… executor.id=…`
/// (or, with `LOG_FORMAT=json`, one JSON object: `JSONLogLine`). Millisecond timestamps (seconds are too coarse to
/// see where time goes), metadata sorted, values quoted when they contain spaces or quotes, so lines are easy to
/// grep and to parse.
struct LineLogHandler: LogHandler {
    enum Format: Sendable { case text, json }

    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: Format

    init(label: String, format: Format = .text) {
        self.label = label
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let timestamp = Self.timestamp()
        var line: String
        switch format {
        case .json:
            line = JSONLogLine.render(timestamp: timestamp, level: event.level, label: label, message: "\(event.message)", metadata: merged)
        case .text:
            line = "\(timestamp) \(event.level) \(label): \(event.message)"
            for key in merged.keys.sorted() {
                line += " \(key)=\(Self.quoted("\(merged[key] ?? "")"))"
            }
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Built by hand: `String(format:)` goes through CoreFoundation's formatter (and its locale data), which
        // costs more than the rest of a log line and pages in data a program otherwise never touches.
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int, width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        append(Int(parts.tm_year) + 1900, width: 4)
        text += "-"
        append(Int(parts.tm_mon) + 1, width: 2)
        text += "-"
        append(Int(parts.tm_mday), width: 2)
        text += "T"
        append(Int(parts.tm_hour), width: 2)
        text += ":"
        append(Int(parts.tm_min), width: 2)
        text += ":"
        append(Int(parts.tm_sec), width: 2)
        text += "."
        append(Int(now.tv_nsec / 1_000_000), width: 3)
        text += "Z"
        return text
    }
}
