import Foundation

/// With private workspaces (the guard's default), each person works under a directory of the approved directory
/// named by their Telegram user id. The executor makes it on first use: only that one level, only a name made of
/// digits, never following a symlink.
extension WorkspaceGuard {
    public func createPersonalRoot(for relative: String) {
        guard let first = relative.split(separator: "/").first, first.allSatisfy(\.isNumber), first.count <= 20 else { return }
        let path = approvedRoot + "/" + first
        var status = stat()
        guard lstat(path, &status) != 0 else { return }  // already there (or a symlink: left for `workspace` to refuse)
        _ = mkdir(path, 0o755)
    }
}
