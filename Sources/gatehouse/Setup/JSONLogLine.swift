import Foundation
import Logging

/// `LOG_FORMAT=json`: one JSON object per line on standard error, for Loki, Elasticsearch and the like:
/// `{"ts":"2026-11-22T00:31:02.123Z","level":"info","logger":"gatehouse.guard","message":"job dispatched","job.id":"…"}`.
/// Metadata keys stay as they are (dotted: `job.id`, `chat.id`, `program`); nested values become JSON objects and
/// arrays. Secrets print as [REDACTED] here as everywhere (they are `Secret` values).
enum JSONLogLine {
    static func render(timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "{\"ts\":\"\(timestamp)\",\"level\":\"\(level)\",\"logger\":"
        appendString(label, to: &line)
        line += ",\"message\":"
        appendString(message, to: &line)
        for key in metadata.keys.sorted() where !["ts", "level", "logger", "message"].contains(key) {
            line += ","
            appendString(key, to: &line)
            line += ":"
            append(metadata[key] ?? .string(""), to: &line)
        }
        return line + "}"
    }

    static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &line)
        case .stringConvertible(let convertible): appendString(convertible.description, to: &line)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        case .dictionary(let entries):
            line += "{"
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                appendString(key, to: &line)
                line += ":"
                append(entries[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    static func appendString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
