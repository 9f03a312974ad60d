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

    /// A write by `actor` to `word`: asked about inside the workspace, denied anywhere else or when unknown.
    /// Returns the absolute paths written, when all are known.
    @discardableResult
    mutating func checkWrite(_ word: ShellWord, by actor: String) -> [String] {
        let shown = Self.shown(word)
        if BashPaths.isSecret(word.displayText) {
            deny("\(actor) would change `\(shown)`, which holds secrets")
            return []
        }
        guard let values = values(of: word) else {
            deny("\(actor) writes to `\(shown)`, which is only known at run time")
            return []
        }
        var written: [String] = []
        for value in values where !value.isEmpty && !BashPaths.isHarmlessDevice(value) && !BashPaths.isNetworkDevice(value) {
            if BashPaths.isSecret(value) {
                deny("\(actor) would change `\(shown)`, which holds secrets")
                continue
            }
            for path in resolve(value) {
                guard let path else {
                    deny("\(actor) writes to `\(shown)` from a working directory that cannot be determined")
                    continue
                }
                if BashPaths.isHarmlessDevice(path) { continue }
                if BashPaths.isSecret(path) {
                    deny("\(actor) would change `\(shown)`, which holds secrets")
                } else if path.hasPrefix("/dev/") {
                    deny("\(actor) writes directly to the device `\(shown)`, a dangerous system operation")
                } else if isWritable(path) {
                    written.append(path)
                    ask("\(actor) changes `\(shown)` in the workspace")
                } else {
                    deny("\(actor) would write to `\(shown)`, outside the workspace")
                }
            }
        }
        return written
    }

    /// A read by `actor` of `word`: fine inside the workspace, asked about outside it, denied for secrets.
    mutating func checkRead(_ word: ShellWord, by actor: String) {
        let shown = Self.shown(word)
        if BashPaths.isSecret(word.displayText) {
            deny("\(actor) reads `\(shown)`, which holds secrets")
            return
        }
        guard let values = values(of: word) else {
            ask("\(actor) reads `\(shown)`, which is only known at run time")
            return
        }
        for value in values where value != "-" && !value.isEmpty && !BashPaths.isNetworkDevice(value) {
            if BashPaths.isSecret(value) {
                deny("\(actor) reads `\(shown)`, which holds secrets")
                continue
            }
            for path in resolve(value) {
                guard let path else {
                    ask("\(actor) reads `\(shown)` from a working directory that cannot be determined")
                    continue
                }
                if BashPaths.isSecret(path) {
                    deny("\(actor) reads `\(shown)`, which holds secrets")
                } else if !isReadable(path) && !BashPaths.isHarmlessDevice(path) {
                    let reason = "\(actor) reads `\(shown)`, outside the workspace"
                    if configuration.readsOutsideWorkspace == .ask { ask(reason) } else { deny(reason) }
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
