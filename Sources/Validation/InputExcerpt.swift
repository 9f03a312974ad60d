/// Short, harmless renderings of user input for refusal reasons: a reason may quote what it objects to, but never
/// more than a few characters, and never an invisible or control character that could garble the reply.
package enum InputExcerpt {
    /// The longest excerpt a reason ever quotes, in characters (the brief allows 40; staying well under it leaves
    /// room for the quoting itself).
    package static let limit = 24

    package static func quote(_ text: some StringProtocol, limit: Int = InputExcerpt.limit) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            out.unicodeScalars.append(isShowable(scalar) ? scalar : "?")
            count += 1
        }
        return "“" + out + "”"
    }

    /// `U+202E`, the way Unicode names a code point; safe to show for any scalar.
    package static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func isShowable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x20 && scalar.value < 0x7F }
        if CharacterScreen.isInvisibleOrControl(scalar) { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .unassigned, .privateUse, .surrogate: return false
        default: return true
        }
    }
}
