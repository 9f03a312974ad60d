/// File names that usually hold credentials. Uploads with these names are refused so a key never lands in a
/// workspace by accident; the guard can also use this before sending a file out (`/get .env`).
public enum SecretFileNames {
    private static let exactNames: Set<String> = [
        ".netrc", "_netrc", ".pgpass", ".npmrc", ".pypirc", ".git-credentials", ".htpasswd", ".dockercfg",
        "authorized_keys",
    ]
    private static let prefixes = [".env", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "credentials"]
    private static let suffixes = [".pem", ".key", ".p12", ".pfx", ".ppk", ".jks", ".keystore", ".kdbx"]

    /// - Parameter name: one file name (no directories), compared case-insensitively.
    public static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return exactNames.contains(lowered)
            || prefixes.contains(where: lowered.hasPrefix)
            || suffixes.contains(where: lowered.hasSuffix)
    }
}
