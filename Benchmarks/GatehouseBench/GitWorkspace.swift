import Foundation
import TestSupport

/// A workspace as most people's are: a git repository with some committed files.
enum GitWorkspace {
    static func make(at path: String, files: Int = 40) throws {
        for index in 0..<files {
            try Data("line \(index)\n".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("file\(index).txt"))
        }
        try git(["init", "-q"], in: path)
        try git(["add", "."], in: path)
        try git(["-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "start"], in: path)
    }

    private static func git(_ arguments: [String], in path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("git \(arguments.first ?? "") failed in \(path)") }
    }
}
