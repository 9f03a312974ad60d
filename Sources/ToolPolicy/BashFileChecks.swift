/// Checks for the files a command reads or writes: inside the workspace, outside it, or a secret.
extension BashAnalysis {
    func isWritable(_ path: String) -> Bool {
        BashPaths.isInside(path, root: workspace)
            || configuration.extraWritableDirectories.contains { BashPaths.isInside(path, root: BashPaths.normalize($0)) }
    }

    func isReadable(_ path: String) -> Bool {
        isWritable(path)
            || configuration.extraReadableDirectories.contains { BashPaths.isInside(path, root: BashPaths.normalize($0)) }
    }

    static func shown(_ word: ShellWord) -> String {
        let text = word.staticText ?? word.displayText
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    /// Where a target named by `value` from `directory` is really decided, when that is only at run time, said
    /// so that the person asked is not told "in the workspace" about a place the shell picks later.
    func runTimeNote(_ value: String, path: String, from directory: String?) -> String? {
        if BashPaths.isGlob(value) { return "it is a pattern the shell expands then" }
        if !value.hasPrefix("/") && !value.hasPrefix("~"), let directory, directory != workspace {
            return "it is relative to a directory `cd` entered, which could be a link leading elsewhere"
        }
        if enteredDirectories.contains(where: { BashPaths.isInside(path, root: $0) }) {
            return "it is inside a directory `cd` entered, which could be a link leading elsewhere"
        }
        return nil
    }

    /// The absolute paths `value` may name, normalized (for the rules) and as the shell hands them to the kernel
    /// (for the check on disk); nil where the working directory is unknown.
    func targetsOf(_ value: String) -> [(path: String, raw: String?, directory: String?)?] {
        if value.hasPrefix("/") { return [(BashPaths.normalize(value), value, nil)] }
        if value == "~" || value.hasPrefix("~/") {
            let raw = homeDirectory + "/" + value.dropFirst()
            return [(BashPaths.normalize(raw), homeIsKnown ? raw : nil, nil)]
        }
        if value.hasPrefix("~") {
            // Another user's home: outside, and shown as such.
            return [(BashPaths.normalize("/~" + value.dropFirst()), nil, nil)]
        }
        return state.directories.map { directory in
            directory.map { (BashPaths.normalize($0 + "/" + value), $0 + "/" + value, $0) }
        }
    }

    mutating func noteTarget(_ raw: String?) {
        if let raw { targets.note(raw) } else { targets.noteUnknown() }
    }

    /// A write by `actor` to `word`: inside the workspace asked about (or, when the kernel confines what runs,
    /// allowed), denied anywhere else or when unknown; files git or Claude Code run programs from are always asked
    /// about. Returns the absolute paths written, when all are known.
    @discardableResult
    mutating func checkWrite(_ word: ShellWord, by actor: String) -> [String] {
        let shown = Self.shown(word)
        if BashPaths.isSecret(word.displayText) {
            deny("\(actor) would change `\(shown)`, which holds secrets")
            return []
        }
        guard let values = values(of: word) else {
            targets.noteUnknown()
            deny("\(actor) writes to `\(shown)`, a target only decided when the command runs")
            return []
        }
        var written: [String] = []
        for value in values where !value.isEmpty && !BashPaths.isHarmlessDevice(value) && !BashPaths.isNetworkDevice(value) {
            if BashPaths.isSecret(value) {
                deny("\(actor) would change `\(shown)`, which holds secrets")
                continue
            }
            for target in targetsOf(value) {
                guard let target else {
                    targets.noteUnknown()
                    deny("\(actor) writes to `\(shown)` from a working directory only decided when the command runs")
                    continue
                }
                let path = target.path
                if BashPaths.isHarmlessDevice(path) { continue }
                noteTarget(target.raw)
                if BashPaths.isSecret(path) {
                    deny("\(actor) would change `\(shown)`, which holds secrets")
                } else if path.hasPrefix("/dev/") {
                    deny("\(actor) writes directly to the device `\(shown)`, a dangerous system operation")
                } else if isWritable(path) {
                    written.append(path)
                    let inside = BashPaths.isInside(path, root: workspace)
                    if let concern = ProgramFiles.concern(inside ? String(path.dropFirst(workspace.count)) : path) {
                        ask("\(actor) changes `\(shown)`: \(concern)")
                    } else if let note = runTimeNote(value, path: path, from: target.directory) {
                        if !(relaxed && inside) { ask("\(actor) changes `\(shown)`, a target only decided when the command runs: \(note)") }
                    } else if !(relaxed && inside) {
                        ask("\(actor) changes `\(shown)` in the workspace")
                    }
                } else {
                    deny("\(actor) would write to `\(shown)`, outside the workspace")
                }
            }
        }
        return written
    }

    /// A read by `actor` of `word`: fine inside the workspace, asked about outside it, denied for secrets. A
    /// pattern that could match one of the workspace's secret files is asked about unless `contents` is false
    /// (the program reads names, not what the files hold).
    mutating func checkRead(_ word: ShellWord, by actor: String, contents: Bool = true) {
        let shown = Self.shown(word)
        if BashPaths.isSecret(word.displayText) {
            deny("\(actor) reads `\(shown)`, which holds secrets")
            return
        }
        guard let values = values(of: word) else {
            targets.noteUnknown()
            ask("\(actor) reads `\(shown)`, a target only decided when the command runs")
            return
        }
        for value in values where value != "-" && !value.isEmpty && !BashPaths.isNetworkDevice(value) {
            if BashPaths.isSecret(value) {
                deny("\(actor) reads `\(shown)`, which holds secrets")
                continue
            }
            for target in targetsOf(value) {
                guard let target else {
                    targets.noteUnknown()
                    ask("\(actor) reads `\(shown)` from a working directory only decided when the command runs")
                    continue
                }
                let path = target.path
                noteTarget(target.raw)
                if BashPaths.isSecret(path) {
                    deny("\(actor) reads `\(shown)`, which holds secrets")
                } else if !isReadable(path) && !BashPaths.isHarmlessDevice(path) {
                    let reason = "\(actor) reads `\(shown)`, outside the workspace"
                    if configuration.readsOutsideWorkspace == .ask { ask(reason) } else { deny(reason) }
                } else if contents && workspaceHoldsSecrets && BashPaths.couldMatchSecret(value, hiddenNeedDot: true) {
                    ask("\(actor) reads `\(shown)`, a pattern expanded when the command runs that could match the secret files the workspace holds")
                }
            }
        }
    }

    /// Arguments of a program whose use of them is unknown: any that names a secret is refused.
    mutating func checkMentions(_ args: [ShellWord], by actor: String, pathShaped: Bool) {
        for word in args {
            let text = word.staticText ?? word.displayText
            var variants = [text]
            if pathShaped {
                for separator in ["=", "@", ":"] {
                    if let index = text.firstIndex(of: Character(separator)) { variants.append(String(text[text.index(after: index)...])) }
                }
            }
            if BashPaths.mentionsSecret(text) || (pathShaped && variants.contains(where: BashPaths.isSecret)) {
                deny("\(actor) is given `\(Self.shown(word))`, which holds secrets")
            }
        }
    }
}
