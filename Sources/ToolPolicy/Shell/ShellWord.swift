/// One shell word, kept as the parts it was written with so that quoting and expansions stay visible.
public struct ShellWord: Sendable, Equatable {
    public var parts: [ShellWordPart]

    public init(_ parts: [ShellWordPart]) {
        self.parts = parts
    }

    /// A word of plain unquoted text.
    public static func literal(_ text: String) -> ShellWord { ShellWord([.literal(text)]) }

    /// The text after quote removal when nothing in the word depends on run time; nil otherwise.
    /// Glob and brace characters are kept as written.
    public var staticText: String? { Self.staticText(of: parts) }

    /// Whether the word's value is known without running anything.
    public var isStatic: Bool { staticText != nil }

    /// Whether unquoted `*`, `?` or `[` make this word a pathname pattern.
    public var hasUnquotedGlob: Bool {
        parts.contains { part in
            if case .literal(let text) = part { return text.contains(where: { "*?[".contains($0) }) }
            return false
        }
    }

    /// Whether unquoted braces may expand this word into several (`a{b,c}`, `{1..3}`).
    public var hasUnquotedBrace: Bool {
        parts.contains { part in
            if case .literal(let text) = part { return text.contains("{") && text.contains("}") }
            return false
        }
    }

    /// The `~` or `~user` prefix, when the word starts with an unquoted tilde.
    public var tildePrefix: String? {
        guard case .literal(let text)? = parts.first, text.hasPrefix("~") else { return nil }
        return String(text.prefix { $0 != "/" })
    }

    /// Every command and process substitution in the word, at any depth of quoting or expansion.
    public var substitutions: [ShellScript] { Self.substitutions(in: parts) }

    /// The scripts of `>(…)` parts: they read what the command writes there.
    public var outputProcessSubstitutions: [ShellScript] {
        parts.compactMap { part in
            if case .processSubstitution(let script, .output) = part { return script }
            return nil
        }
    }

    /// Every parameter the word expands, such as `HOME` for `$HOME` or `${HOME:-x}`.
    public var parameterNames: [String] { Self.parameterNames(in: parts) }

    /// The word as a person would read it, with expansions shown as written.
    public var displayText: String { Self.display(parts) }

    static func staticText(of parts: [ShellWordPart]) -> String? {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let value), .quoted(let value): text += value
            case .doubleQuoted(let inner):
                guard let value = staticText(of: inner) else { return nil }
                text += value
            case .parameter, .commandSubstitution, .processSubstitution, .arithmetic: return nil
            }
        }
        return text
    }

    static func substitutions(in parts: [ShellWordPart]) -> [ShellScript] {
        parts.flatMap { part -> [ShellScript] in
            switch part {
            case .literal, .quoted: []
            case .doubleQuoted(let inner), .arithmetic(let inner): substitutions(in: inner)
            case .parameter(let expansion): substitutions(in: expansion.modifierParts)
            case .commandSubstitution(let script, _), .processSubstitution(let script, _): [script]
            }
        }
    }

    static func parameterNames(in parts: [ShellWordPart]) -> [String] {
        parts.flatMap { part -> [String] in
            switch part {
            case .literal, .quoted, .commandSubstitution, .processSubstitution: []
            case .doubleQuoted(let inner), .arithmetic(let inner): parameterNames(in: inner)
            case .parameter(let expansion): [expansion.name] + parameterNames(in: expansion.modifierParts)
            }
        }
    }

    static func display(_ parts: [ShellWordPart]) -> String {
        parts.map { part -> String in
            switch part {
            case .literal(let text): text
            case .quoted(let text): text
            case .doubleQuoted(let inner): "\"" + display(inner) + "\""
            case .parameter(let expansion): expansion.braced ? "${\(expansion.prefix)\(expansion.name)\(expansion.modifier)}" : "$" + expansion.name
            case .commandSubstitution: "$(…)"
            case .processSubstitution(_, let direction): direction == .input ? "<(…)" : ">(…)"
            case .arithmetic: "$((…))"
            }
        }.joined()
    }
}

/// A piece of a word.
public indirect enum ShellWordPart: Sendable, Equatable {
    public enum Direction: Sendable, Equatable {
        /// `<(…)`: the command's output is read as a file.
        case input
        /// `>(…)`: writing the file feeds the command.
        case output
    }

    /// Unquoted text after backslash removal; glob, brace and tilde characters keep their meaning.
    case literal(String)
    /// Text that quoting made literal: `'…'`, decoded `$'…'`, a backslash-escaped character, text inside `"…"`.
    case quoted(String)
    /// `"…"`: quoted text and the expansions inside it.
    case doubleQuoted([ShellWordPart])
    /// `$NAME`, `${NAME}`, `${NAME:-default}`, `$1`, `$@`, …
    case parameter(ShellParameterExpansion)
    /// `$(…)` or `` `…` ``.
    case commandSubstitution(ShellScript, backquoted: Bool)
    /// `<(…)` or `>(…)`.
    case processSubstitution(ShellScript, direction: Direction)
    /// `$((…))`: the expression's text and expansions.
    case arithmetic([ShellWordPart])
}

/// `$NAME` or `${NAME<modifier>}`.
public struct ShellParameterExpansion: Sendable, Equatable {
    public var name: String
    /// Everything after the name inside the braces, as written (`:-default`, `%.txt`, …); empty when absent.
    public var modifier: String
    /// The modifier's expansions (a default value may hold a command substitution).
    public var modifierParts: [ShellWordPart]
    public var braced: Bool
    /// `#` for the length `${#NAME}`, `!` for indirection `${!NAME}`; empty otherwise.
    public var prefix: String

    public init(name: String, modifier: String = "", modifierParts: [ShellWordPart] = [], braced: Bool = false, prefix: String = "") {
        self.name = name
        self.prefix = prefix
        self.modifier = modifier
        self.modifierParts = modifierParts
        self.braced = braced
    }
}
