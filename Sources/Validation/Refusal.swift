/// Why the guard refused a path or an upload: a stable code for programs and the audit log, and a reason for the
/// person. The reason names what is wrong and quotes at most a short, sanitised excerpt of the input.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable snake_case identifiers; never renamed once shipped, because audit records and tests key on them.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Structure of the path.
        public static let empty = Code(rawValue: "empty")
        public static let traversal = Code(rawValue: "traversal")
        public static let absoluteOutside = Code(rawValue: "absolute_outside")
        public static let pathTooLong = Code(rawValue: "path_too_long")
        public static let nameTooLong = Code(rawValue: "name_too_long")
        public static let pathSeparator = Code(rawValue: "path_separator")
        public static let currentDirectoryInvalid = Code(rawValue: "current_directory_invalid")

        // Characters that a shell or a decoder would reinterpret.
        public static let homeExpansion = Code(rawValue: "home_expansion")
        public static let variableExpansion = Code(rawValue: "variable_expansion")
        public static let commandSubstitution = Code(rawValue: "command_substitution")
        public static let shellMetacharacter = Code(rawValue: "shell_metacharacter")
        public static let leadingDash = Code(rawValue: "leading_dash")
        public static let controlCharacter = Code(rawValue: "control_character")
        public static let invalidUnicode = Code(rawValue: "invalid_unicode")
        public static let encodedTraversal = Code(rawValue: "encoded_traversal")
        public static let lookalikeCharacter = Code(rawValue: "lookalike_character")
        public static let backslash = Code(rawValue: "backslash")

        // Names other systems treat specially (Windows devices and streams).
        public static let reservedName = Code(rawValue: "reserved_name")
        public static let trailingDotOrSpace = Code(rawValue: "trailing_dot_or_space")
        public static let alternateDataStream = Code(rawValue: "alternate_data_stream")

        // Uploads.
        public static let hiddenFile = Code(rawValue: "hidden_file")
        public static let secretFile = Code(rawValue: "secret_file")
        public static let executableFile = Code(rawValue: "executable_file")
        public static let extensionNotAllowed = Code(rawValue: "extension_not_allowed")
        public static let tooLarge = Code(rawValue: "too_large")
        public static let invalidSize = Code(rawValue: "invalid_size")
        public static let contentMismatch = Code(rawValue: "content_mismatch")
        public static let binaryContent = Code(rawValue: "binary_content")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
