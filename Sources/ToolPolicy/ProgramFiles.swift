/// Files that git or Claude Code read programs to run from. A write to one is asked about, by every tool and
/// spelling, with a text that says why: `git status` after a planted `core.fsmonitor` runs any command.
enum ProgramFiles {
    /// Why writing the (absolute or relative) `path` deserves a question, or nil for an ordinary file.
    static func concern(_ path: String) -> String? {
        let components = path.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            if matches(component, [".git"]) {
                return "git reads programs to run from the files under `.git`"
            }
            if matches(component, [".githooks", ".husky", ".lefthook"]) {
                return "git runs the hooks kept in this folder"
            }
            if isLast, matches(component, [".gitattributes", ".gitmodules", ".lfsconfig"]) {
                return "git reads programs to run (filters, diff drivers, submodule commands) from this file"
            }
            if matches(component, [".claude"]) || (isLast && matches(component, [".mcp.json"])) {
                return "Claude Code reads settings, hooks and commands to run from this file"
            }
        }
        return nil
    }

    /// Whether a path component is, or as a pattern could match, one of `names`.
    private static func matches(_ component: String, _ names: [String]) -> Bool {
        if names.contains(component) { return true }
        guard BashPaths.isGlob(component), component.hasPrefix(".") || component.hasPrefix("[") else { return false }
        return names.contains { BashPaths.globMatches(pattern: Substring(component), name: $0) }
    }

    /// Whether a git configuration key makes git run a program, read another configuration file, or turn one git
    /// command into another. Sections and names are case-insensitive; subsections are not, and do not matter here.
    static func gitKeyRunsPrograms(_ key: String) -> Bool {
        let parts = key.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let section = parts.first, let name = parts.last else { return true }
        if ["alias", "pager", "filter", "includeif", "difftool", "mergetool", "browser", "man", "trailer", "uploadpack",
            "receivepack", "instaweb", "sendemail"].contains(section) {
            return true
        }
        let exact: Set<String> = [
            "core.fsmonitor", "core.hookspath", "core.sshcommand", "core.pager", "core.editor", "core.askpass",
            "core.gitproxy", "core.worktree", "core.attributesfile", "core.alternaterefscommand", "diff.external",
            "diff.tool", "merge.tool", "gpg.program", "credential.helper", "sequence.editor", "init.templatedir",
            "include.path", "interactive.difffilter", "web.browser", "protocol.allow", "ssh.variant",
        ]
        if parts.count == 2 { return exact.contains("\(section).\(name)") }
        let byName: [String: Set<String>] = [
            "diff": ["textconv", "command"], "merge": ["driver"], "gpg": ["program"], "credential": ["helper"],
            "remote": ["uploadpack", "receivepack", "vcs", "proxy"], "submodule": ["update"], "protocol": ["allow"],
            "core": ["fsmonitor", "hookspath", "sshcommand", "pager", "editor"],
        ]
        return byName[section]?.contains(name) == true
    }
}
