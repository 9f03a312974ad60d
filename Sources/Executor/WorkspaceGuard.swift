import Foundation

/// The executor's own check of paths, right before use and independent of the guard's lexical check: the real
/// path on this disk (after every symlink) must stay inside the approved directory.
public struct WorkspaceGuard: Sendable {
    public let approvedRoot: String

    /// - Parameter approvedDirectory: must exist; its real path becomes the root.
    public init(approvedDirectory: String) throws {
        guard let root = Self.realPath(approvedDirectory) else {
            throw Problem(reason: "the approved directory does not exist or cannot be read")
        }
        approvedRoot = root
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The absolute, real workspace directory for a job's relative workspace.
    public func workspace(_ relative: String) throws -> String {
        let candidate = relative.isEmpty ? approvedRoot : approvedRoot + "/" + relative
        guard let real = Self.realPath(candidate) else {
            throw Problem(reason: "the workspace does not exist")
        }
        guard contains(real) else { throw Problem(reason: "the workspace resolves outside the approved directory") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Problem(reason: "the workspace is not a directory")
        }
        guard access(real, R_OK | W_OK | X_OK) == 0 else {
            throw Problem(reason: "the workspace is not readable and writable by the executor")
        }
        return real
    }

    /// Checks a path a tool is about to touch. A file that does not exist yet is judged by its nearest existing
    /// ancestor, so a symlinked directory cannot smuggle a new file outside.
    public func check(path: String, workspace: String) -> Problem? {
        let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
        var probe = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var suffix: [String] = []
        while Self.realPath(probe) == nil {
            let url = URL(fileURLWithPath: probe)
            suffix.insert(url.lastPathComponent, at: 0)
            let parent = url.deletingLastPathComponent().path
            if parent == probe { return Problem(reason: "no part of the path exists") }
            probe = parent
        }
        guard let realBase = Self.realPath(probe) else { return Problem(reason: "the path cannot be resolved") }
        let resolved = suffix.isEmpty ? realBase : realBase + "/" + suffix.joined(separator: "/")
        guard let realWorkspace = Self.realPath(workspace) else { return Problem(reason: "the workspace is gone") }
        guard resolved == realWorkspace || resolved.hasPrefix(realWorkspace + "/") else {
            return Problem(reason: "the path resolves outside the workspace")
        }
        return nil
    }

    func contains(_ real: String) -> Bool {
        real == approvedRoot || real.hasPrefix(approvedRoot == "/" ? "/" : approvedRoot + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
