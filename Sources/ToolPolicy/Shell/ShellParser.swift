/// Parses the POSIX sh (and common bash) syntax Claude writes into a `ShellScript`, without running anything.
public enum ShellParser {
    /// Nesting deeper than this (substitutions, subshells, compound commands) is refused rather than risked.
    static let maximumDepth = 64

    public static func parse(_ command: String) throws(ShellParseError) -> ShellScript {
        try parse(bytes: Array(command.utf8), depth: 0)
    }

    /// Heredoc bodies are read only after the line that introduced them, so a first pass collects them and,
    /// when there are any, a second pass attaches each to its redirection in order of appearance.
    static func parse(bytes: [UInt8], depth: Int) throws(ShellParseError) -> ShellScript {
        guard depth <= maximumDepth else { throw .tooDeep(at: 0) }
        var first = ShellGrammar(bytes: bytes, depth: depth, knownBodies: nil)
        let script = try first.parseProgram()
        guard !first.collectedBodies.isEmpty else { return script }
        var second = ShellGrammar(bytes: bytes, depth: depth, knownBodies: first.collectedBodies)
        return try second.parseProgram()
    }
}
