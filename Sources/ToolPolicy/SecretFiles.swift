/// The one list of files that hold credentials, for every program that must agree on it: the tool policy
/// (through `BashPaths`, which adds path shapes such as `~/.config/gh`, `/etc/shadow` and globs), the guard's upload
/// check, and the executor's `/get`, archive and workspace checks. Names are compared case-insensitively.
public enum SecretFiles {
    /// File names that are credentials whole.
    static let names: Set<String> = [
        ".netrc", "_netrc", ".pgpass", ".npmrc", ".pypirc", ".git-credentials", ".htpasswd", ".dockercfg",
        "authorized_keys",
    ]
    /// Beginnings of such names: `.env.production`, `id_rsa.pub`'s private twin, `credentials.json`.
    static let namePrefixes = [".env", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "credentials"]
    /// Endings of key and keystore files; the tool policy uses the same list (`BashPaths.secretSuffixes`).
    static let nameSuffixes = [".pem", ".key", ".p12", ".pfx", ".ppk", ".jks", ".keystore", ".kdbx"]
    /// Directories whose whole content is credentials or an agent's private state: nothing in them leaves the
    /// executor, and a workspace holding one counts as holding secrets.
    static let directories: Set<String> = [".ssh", ".aws", ".gnupg", ".claude", ".docker", ".kube"]

    /// Whether a path (absolute or relative) names a file or directory that holds credentials, as the tool policy
    /// sees it.
    public static func isSecret(_ path: String) -> Bool {
        BashPaths.isSecret(path)
    }

    /// Whether one file name (no directories) usually holds credentials: uploads so named are refused.
    public static func isSecretName<S: StringProtocol>(_ name: S) -> Bool {
        let lowered = name.lowercased()
        return names.contains(lowered) || namePrefixes.contains(where: lowered.hasPrefix)
            || nameSuffixes.contains(where: lowered.hasSuffix)
    }

    /// Whether a path relative to the approved directory names a secret by any of the lists: the policy's, the
    /// names, or a component that is one of the `directories`. The executor checks it on the path as asked and
    /// again on the real path after symlinks.
    public static func isSecret(relativePath: String) -> Bool {
        let components = relativePath.split(separator: "/")
        guard let last = components.last else { return false }
        if isSecret(components.joined(separator: "/")) { return true }
        if components.contains(where: { directories.contains($0.lowercased()) }) { return true }
        return isSecretName(last)
    }
}
