import Foundation
import Testing
@testable import Executor

@Suite struct WorkspaceSecretScanTests {
    func workspace(_ files: [String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root.path
    }

    @Test(arguments: [
        ([String](), false),
        (["src/main.swift", "README.md", ".gitignore"], false),
        ([".env"], true),
        (["config/.env.production"], true),
        (["deploy/keys/server.pem"], true),
        (["a/b/c/d/id_ed25519"], true),
        ([".ssh/config"], true),
        (["docs/environment.md"], false),
    ])
    func findsSecretNamesAnywhereInTheTree(files: [String], holds: Bool) throws {
        let root = try workspace(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(WorkspaceSecretScan.holdsSecrets(root) == holds, "\(files)")
    }

    @Test func aTreeTooLargeToScanCountsAsHoldingSecrets() throws {
        let root = try workspace((0...100).map { "many/f\($0)" })
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(!WorkspaceSecretScan.holdsSecrets(root, maxEntries: 200))
        #expect(WorkspaceSecretScan.holdsSecrets(root, maxEntries: 100))
    }
}
