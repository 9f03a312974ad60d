/// What an unpacked (or refused) archive tells Claude and the person: the list of what was written, shortened
/// past a size, and for a refusal its reason.
enum UnpackNote {
    /// Names listed to the person before "… and N more".
    static let namesForPerson = 20
    /// Names listed in Claude's prompt; it can list the folder itself for the rest.
    static let namesForClaude = 100

    static func prompt(_ unpacked: [ArchiveUnpacker.Unpacked]) -> String {
        unpacked.map { archive in
            "\n\n[The archive \(archive.archive) the user sent was unpacked into the current directory "
                + "(\(count(archive.files.count, "file"))): \(listed(archive.files, limit: namesForClaude)).]"
        }.joined()
    }

    static func person(_ unpacked: [ArchiveUnpacker.Unpacked]) -> String? {
        guard !unpacked.isEmpty else { return nil }
        return unpacked.map { archive in
            "Unpacked \(archive.archive): \(count(archive.files.count, "file")), \(size(archive.bytes))"
                + (archive.files.isEmpty ? "." : " — \(listed(archive.files, limit: namesForPerson)).")
        }.joined(separator: "\n")
    }

    static func refused(_ archive: String, _ refusal: ArchiveRefusal) -> String {
        "I did not unpack \(archive): \(refusal.reason). Nothing of it was written, and Claude was not started."
    }

    static func listed(_ names: [String], limit: Int) -> String {
        guard !names.isEmpty else { return "no files" }
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? shown + " … and \(names.count - limit) more" : shown
    }

    private static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    private static func size(_ bytes: Int64) -> String {
        if bytes < 1_024 { return "\(bytes) bytes" }
        if bytes < 1_048_576 { return "\((bytes + 512) / 1_024) KB" }
        let tenths = bytes * 10 / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
