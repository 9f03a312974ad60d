import ToolPolicy

/// Files the executor never sends out (`/get`) and looks for in workspaces, whatever the guard decided: the tool
/// policy's secret files (`SecretFiles`), and more names and directories an agent's own state lives in. Checked on
/// the path as asked and again on the real path after symlinks.
enum SecretPaths {
    private static let exactNames: Set<String> = [
        ".netrc", "_netrc", ".pgpass", ".npmrc", ".pypirc", ".git-credentials", ".htpasswd", ".dockercfg",
        "authorized_keys",
    ]
    private static let prefixes = [".env", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "credentials"]
    private static let suffixes = [".pem", ".key", ".p12", ".pfx", ".ppk", ".jks", ".keystore", ".kdbx"]
    /// Directories whose whole content is credentials or an agent's private state.
    private static let directories: Set<String> = [".ssh", ".aws", ".gnupg", ".claude", ".docker", ".kube"]

    /// - Parameter components: the path's components (relative to the approved directory), compared
    ///   case-insensitively.
    static func isSecret(components: [Substring]) -> Bool {
        guard let last = components.last?.lowercased() else { return false }
        if SecretFiles.isSecret(components.joined(separator: "/")) { return true }
        if components.dropLast().contains(where: { directories.contains($0.lowercased()) }) { return true }
        return directories.contains(last) || exactNames.contains(last)
            || prefixes.contains(where: last.hasPrefix) || suffixes.contains(where: last.hasSuffix)
    }

    static func isSecret(relativePath: String) -> Bool {
        isSecret(components: relativePath.split(separator: "/"))
    }
}
