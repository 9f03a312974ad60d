import Messages
import Testing
import ToolPolicy

/// The one list of secret files: what the guard refuses as an upload, what the executor never sends out and looks
/// for in workspaces, and what the tool policy keeps Claude from reading agree, and nothing the copies protected
/// before is left out.
@Suite struct SecretFilesTests {
    @Test(arguments: [
        ".env", ".env.production", "Deploy.PEM", "id_rsa", "id_ed25519", "_netrc", ".NETRC", ".dockercfg",
        "authorized_keys", "credentials.json", "store.kdbx", "putty.ppk",
    ])
    func namesThatHoldCredentials(name: String) {
        #expect(SecretFiles.isSecretName(name))
    }

    @Test(arguments: ["environment.md", "README.md", "keyboard.swift", "id.txt", "env.sh"])
    func ordinaryNames(name: String) {
        #expect(!SecretFiles.isSecretName(name))
    }

    @Test func workspacePathsUseTheNamesTheDirectoriesAndThePolicysPaths() {
        for secret in [
            "app/.env", "app/config/server.key", "app/.claude/settings.json", "app/.kube/config",
            "app/.docker/config.json", "app/.ssh", "app/.config/gh/hosts.yml", "app/.azure/accessTokens.json",
            "APP/.SSH/known_hosts",
        ] {
            #expect(SecretFiles.isSecret(relativePath: secret), "\(secret)")
        }
        for ordinary in ["app/src/main.swift", "app/docs/keys.md", "app/.github/workflows/ci.yml", ""] {
            #expect(!SecretFiles.isSecret(relativePath: ordinary), "\(ordinary)")
        }
    }

    /// The tool policy takes the shared key and keystore endings: a PuTTY key was left out of its own copy.
    @Test func thePolicyRefusesReadingEveryKeyFileEnding() {
        let policy = ToolPolicy()
        for name in ["server.pem", "server.key", "cert.p12", "cert.pfx", "putty.ppk", "app.jks", "app.keystore", "vault.kdbx"] {
            let decision = policy.decide(
                toolName: "Read", input: .object(["file_path": .string("/srv/projects/app/\(name)")]),
                workspace: "/srv/projects/app")
            #expect(decision != .allow, "\(name)")
        }
    }
}
