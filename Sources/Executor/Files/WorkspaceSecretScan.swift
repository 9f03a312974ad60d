import Foundation
import ToolPolicy

/// Whether a workspace holds files that usually carry credentials (`.env`, private keys, …; see `SecretFiles`).
/// The kernel confines a job to its workspace but cannot hide a file inside it, so the policy asks before running
/// programs there when this is true. Bounded: a tree too large to look through counts as holding secrets.
enum WorkspaceSecretScan {
    static let maxEntries = 20_000
    static let maxDepth = 16

    static func holdsSecrets(_ workspace: String, maxEntries: Int = maxEntries) -> Bool {
        var pending: [(path: String, relative: String, depth: Int)] = [(workspace, "", 0)]
        var seen = 0
        let files = FileManager.default
        while let directory = pending.popLast() {
            guard let names = try? files.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names {
                seen += 1
                if seen > maxEntries { return true }
                let relative = directory.relative.isEmpty ? name : directory.relative + "/" + name
                if SecretFiles.isSecret(relativePath: relative) { return true }
                let path = directory.path + "/" + name
                var status = stat()
                // lstat: a link is judged by its own name, never followed.
                guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
                if directory.depth + 1 > maxDepth { return true }
                pending.append((path, relative, directory.depth + 1))
            }
        }
        return false
    }
}
