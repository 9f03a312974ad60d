import Foundation

/// A stand-in for the Claude Code CLI: a shell script speaking the lines a test needs, alone in a fresh temporary
/// directory that is also its working directory.
struct StandInCLI {
    let directory: URL
    let executable: URL

    init(script: String, name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        executable = directory.appendingPathComponent("claude")
        try Data(script.utf8).write(to: executable)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable.path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
