/// The policy's one list of files that hold credentials (`.env*`, private keys, `*.pem`, `.netrc`, `.ssh/`, …),
/// for other programs that must agree with it: the executor refuses to send them and looks for them in workspaces.
public enum SecretFiles {
    /// Whether a path (absolute or relative) names a file or directory that holds credentials.
    public static func isSecret(_ path: String) -> Bool {
        BashPaths.isSecret(path)
    }
}
