/// Why a command could not be parsed. `code` is stable; `message` says where.
public struct ShellParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public init(code: String, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code): \(message) at offset \(offset)" }

    static func unterminated(_ what: String, at offset: Int) -> ShellParseError {
        ShellParseError(code: "shell.unterminated", message: "unterminated \(what)", offset: offset)
    }

    static func unexpected(_ what: String, at offset: Int) -> ShellParseError {
        ShellParseError(code: "shell.unexpected", message: "unexpected \(what)", offset: offset)
    }

    static func tooDeep(at offset: Int) -> ShellParseError {
        ShellParseError(code: "shell.too_deep", message: "nesting too deep", offset: offset)
    }
}
