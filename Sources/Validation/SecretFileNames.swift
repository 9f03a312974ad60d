import ToolPolicy

/// File names that usually hold credentials. Uploads with these names are refused so a key never lands in a
/// workspace by accident. The list is the one every program shares (`SecretFiles`).
public enum SecretFileNames {
    /// - Parameter name: one file name (no directories), compared case-insensitively.
    public static func isSecret(_ name: String) -> Bool {
        SecretFiles.isSecretName(name)
    }
}
