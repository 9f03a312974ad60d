/// Which link destinations become clickable. Anything else (relative paths, `javascript:`, `data:`, …) is
/// shown as text, so a reply can never carry a link that runs code or hides where it goes.
enum LinkPolicy {
    private static let allowedPrefixes = ["http://", "https://", "tg://", "mailto:"]

    /// The destination to put in `href`, or nil when it must not be a link.
    static func allowedHref(_ destination: String) -> String? {
        let lowered = destination.lowercased()
        guard let prefix = allowedPrefixes.first(where: { lowered.hasPrefix($0) }),
              destination.count > prefix.count,
              !destination.contains(where: { $0.isWhitespace }),
              !destination.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return destination
    }
}
