/// Why a file request was refused: a stable `code` the guard maps to a reply, and a message for the person (never
/// an absolute path of this host, never file content).
struct FileOperationError: Error, Equatable, CustomStringConvertible {
    var code: String
    var message: String

    var description: String { "\(code): \(message)" }

    static func notFound(_ path: String) -> Self { Self(code: "not_found", message: "\(display(path)) does not exist") }
    static func outside(_ path: String) -> Self {
        Self(code: "outside", message: "\(display(path)) is outside the approved directory")
    }
    static func notADirectory(_ path: String) -> Self {
        Self(code: "not_a_directory", message: "\(display(path)) is not a directory")
    }
    static func isADirectory(_ path: String) -> Self {
        Self(code: "is_a_directory", message: "\(display(path)) is a directory")
    }
    static func unreadable(_ path: String, _ why: String = "cannot be read") -> Self {
        Self(code: "unreadable", message: "\(display(path)) \(why)")
    }
    static func refused(_ path: String) -> Self {
        Self(code: "refused", message: "\(display(path)) may hold credentials and is not sent")
    }
    static func tooLarge(_ path: String, size: Int64, limit: Int) -> Self {
        Self(code: "too_large", message: "\(display(path)) is \(size) bytes; the limit is \(limit)")
    }
    static func noTranscript(_ why: String) -> Self { Self(code: "no_transcript", message: why) }
    static func badRequest(_ why: String) -> Self { Self(code: "bad_request", message: why) }

    /// Paths as the person typed them, relative to the approved directory ("" is the directory itself).
    private static func display(_ path: String) -> String { path.isEmpty ? "the approved directory" : "'\(path)'" }
}
