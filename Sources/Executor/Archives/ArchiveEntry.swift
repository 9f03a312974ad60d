/// One entry of an archive as its reader found it: the name exactly as stored, what kind of thing it is, and how
/// many bytes of content it really had (counted while streaming, not taken from a header).
struct ArchiveEntry: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case file, directory, symlink, hardlink, device, fifo
        /// Anything else a format can hold (a tar type flag nobody should need, a zip with an odd mode).
        case other(String)
    }

    var name: [UInt8]
    var kind: Kind
    var size: Int64

    /// The name for messages: decoded leniently, control characters shown as `?`, cut to a readable length.
    var displayName: String {
        let text = String(decoding: name, as: UTF8.self)
        let shown = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0
        }))
        return shown.count > 80 ? String(shown.prefix(77)) + "…" : shown
    }
}
