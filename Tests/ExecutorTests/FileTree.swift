import Foundation
@testable import Executor

/// A scratch directory tree for one test: `approved/` is the approved directory, everything else is outside it.
struct FileTree {
    let root: String

    init() throws {
        var template = Array("/tmp/ghf-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let made else { throw CocoaError(.fileWriteUnknown) }
        root = made
        try directory("approved")
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func file(_ relative: String, _ content: String = "") throws {
        try file(relative, data: Data(content.utf8))
    }

    func file(_ relative: String, data: Data) throws {
        try directory(String(relative.split(separator: "/").dropLast().joined(separator: "/")))
        try data.write(to: URL(fileURLWithPath: path(relative)))
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }

    func workspaces() throws -> WorkspaceGuard { try WorkspaceGuard(approvedDirectory: path("approved")) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
