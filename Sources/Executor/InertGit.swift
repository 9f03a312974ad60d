/// Configuration every git process the CLI starts runs with, overriding whatever the repository's own config says
/// (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` rank above every config file): a `.git/config`
/// the model wrote cannot make `git status` run a program through these keys. Keys whose names the repository
/// chooses (diff, filter and merge drivers named in `.gitattributes`, `diff.external`) cannot be switched off by
/// name; the tool policy asks before anything writes git's config, attributes or hooks, and whatever they would
/// run stays inside the job's kernel confinement.
enum InertGit {
    static let overrides: [(key: String, value: String)] = [
        ("core.fsmonitor", "false"),
        ("core.hooksPath", "/dev/null"),
        ("core.sshCommand", "ssh"),
        ("core.pager", "cat"),
        ("core.editor", "true"),
        ("sequence.editor", "true"),
        ("core.askPass", ""),
        ("credential.helper", ""),
        ("gpg.program", "gpg"),
        ("gpg.ssh.program", "ssh-keygen"),
        ("gpg.x509.program", "gpgsm"),
        ("protocol.ext.allow", "never"),
        ("uploadpack.packObjectsHook", ""),
    ]

    /// The variables to add to the CLI's environment.
    static var environment: [String: String] {
        var variables = ["GIT_CONFIG_COUNT": String(overrides.count), "GIT_TERMINAL_PROMPT": "0"]
        for (index, override) in overrides.enumerated() {
            variables["GIT_CONFIG_KEY_\(index)"] = override.key
            variables["GIT_CONFIG_VALUE_\(index)"] = override.value
        }
        return variables
    }
}
