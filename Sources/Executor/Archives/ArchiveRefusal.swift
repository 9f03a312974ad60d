/// Why an archive was not unpacked. The whole archive is refused on the first problem: nothing of it is written,
/// and anything written before a late problem (a name taken on disk, a lying size) is removed again.
struct ArchiveRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for logs and tests: `escapes`, `absolute`, `bad_name`, `link`, `special_file`, `duplicate`,
    /// `reserved`, `too_many_entries`, `too_large`, `ratio`, `size_mismatch`, `corrupt`, `unsupported`, `exists`,
    /// `write_failed`.
    var code: String
    /// For the person: which entry and why, without anything internal.
    var reason: String

    var description: String { "\(code): \(reason)" }

    init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    static func entry(_ entry: ArchiveEntry, _ code: String, _ why: String) -> ArchiveRefusal {
        ArchiveRefusal(code, "the entry \"\(entry.displayName)\" \(why)")
    }
}
