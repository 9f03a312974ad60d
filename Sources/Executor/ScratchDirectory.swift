import Foundation

/// A short private directory for the CLI's temporary files. Short on purpose: the CLI creates a unix socket in
/// TMPDIR, and socket paths may not exceed ~103 bytes.
struct ScratchDirectory: Sendable {
    let path: String

    static func make(for executorId: String) throws -> ScratchDirectory {
        let path = "/tmp/gh-" + String(UUID().uuidString.prefix(8)).lowercased()
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return ScratchDirectory(path: path)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
