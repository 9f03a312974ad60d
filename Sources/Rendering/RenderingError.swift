/// Why a piece of Telegram HTML would be rejected ("can't parse entities"), and where.
public struct RenderingError: Error, CustomStringConvertible, Equatable, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// A tag Telegram does not support, or a supported tag with an attribute it does not know.
        public static let unsupportedTag = Code(name: "unsupported_tag")
        /// A `<` that does not start a well-formed tag, or a bare `>`.
        public static let malformedTag = Code(name: "malformed_tag")
        /// An end tag that does not close the innermost open tag.
        public static let misnestedTag = Code(name: "misnested_tag")
        /// A tag still open at the end of the text.
        public static let unclosedTag = Code(name: "unclosed_tag")
        /// A tag placed where Telegram forbids it (for example `<b>` inside `<code>`).
        public static let forbiddenNesting = Code(name: "forbidden_nesting")
        /// An `&` that does not start `&lt;`, `&gt;`, `&amp;`, `&quot;` or a valid numeric entity.
        public static let invalidEntity = Code(name: "invalid_entity")
    }

    public let code: Code
    public let message: String
    /// Offset in UTF-8 bytes from the start of the HTML where the problem starts.
    public let byteOffset: Int

    public init(_ code: Code, _ message: String, byteOffset: Int) {
        self.code = code
        self.message = message
        self.byteOffset = byteOffset
    }

    public var description: String { "\(code) at byte \(byteOffset): \(message)" }
}
