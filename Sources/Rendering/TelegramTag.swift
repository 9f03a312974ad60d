/// An element of Telegram's HTML subset, as opened in a message, with the nesting rules Telegram states:
/// formatting can contain and be part of anything except `pre` and `code`; `pre` and `code` contain no other
/// entity (except `pre` wrapping one `code` that names the language); blockquotes are never nested; links
/// do not contain links or code. Rules are applied strictly so that nothing accepted here is degraded there.
struct TelegramTag: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case formatting
        case link
        case code
        case pre
        case blockquote
    }

    /// Lower-case element name as written (`b`, `strong`, `tg-spoiler`, …).
    let name: String
    let kind: Kind
    /// The opening tag exactly as it must be written to reopen the element (attributes included).
    let openingMarkup: String

    var closingMarkup: String { "</\(name)>" }

    static func kind(of name: String) -> Kind? {
        switch name {
        case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler": .formatting
        case "a": .link
        case "code": .code
        case "pre": .pre
        case "blockquote": .blockquote
        default: nil
        }
    }

    /// Whether this element may be opened with `ancestors` (outermost first) open around it; the reason if not.
    func nestingProblem(inside ancestors: [TelegramTag]) -> String? {
        switch kind {
        case .blockquote, .pre:
            if let parent = ancestors.last { return "<\(name)> cannot be inside <\(parent.name)>" }
        case .code:
            if ancestors.count == 1, ancestors[0].kind == .pre { return nil }
            if let bad = ancestors.first(where: { $0.kind != .blockquote }) {
                return "<code> cannot be inside <\(bad.name)>"
            }
        case .link:
            if let bad = ancestors.first(where: { $0.kind == .code || $0.kind == .pre || $0.kind == .link }) {
                return "<a> cannot be inside <\(bad.name)>"
            }
        case .formatting:
            if let bad = ancestors.first(where: { $0.kind == .code || $0.kind == .pre }) {
                return "<\(name)> cannot be inside <\(bad.name)>"
            }
        }
        return nil
    }
}
