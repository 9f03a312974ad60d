import Foundation

extension WorkspaceGuard {
    /// The real path of `relative` (a path inside the approved directory, as the guard sent it): refused when it
    /// leaves the approved directory as written or after any symlink.
    func resolve(_ relative: String) throws(FileOperationError) -> String {
        guard !relative.hasPrefix("/"), !relative.utf8.contains(0) else { throw .outside(relative) }
        let candidate = relative.isEmpty ? approvedRoot : approvedRoot + "/" + relative
        guard contains(URL(fileURLWithPath: candidate).standardizedFileURL.path) else { throw .outside(relative) }
        guard let real = Self.realPath(candidate) else {
            switch errno {
            case EACCES, EPERM: throw .unreadable(relative)
            case ELOOP: throw .outside(relative)
            // Missing, or a symlink to nothing: either way nothing there to use.
            default: throw .notFound(relative)
            }
        }
        guard contains(real) else { throw .outside(relative) }
        return real
    }

    /// `real` (inside the approved directory) as a path relative to it: what the secret rules look at after
    /// symlinks.
    func relativeToRoot(_ real: String) -> String {
        real == approvedRoot ? "" : String(real.dropFirst(approvedRoot == "/" ? 1 : approvedRoot.count + 1))
    }
}
