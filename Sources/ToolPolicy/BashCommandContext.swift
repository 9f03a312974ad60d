/// Where a command's standard input comes from, which decides what a shell reading it would run.
struct BashCommandContext {
    enum Input {
        case inherited
        case pipe(BashPipeSource)
        case file(ShellWord)
        /// A heredoc or here-string body.
        case text(ShellWord)
    }

    var input: Input = .inherited
}

/// What the commands before a `|` are known to produce.
struct BashPipeSource {
    /// Something upstream fetches from the network.
    var downloads: Bool
    /// Something upstream decodes or unpacks text (base64 -d, xxd -r, gunzip, …), hiding what it says.
    var decodes: Bool
    /// The command just before the pipe prints only paths inside the workspace (`find .`, `git ls-files`, …).
    var producesWorkspacePaths: Bool
}
