/// Lexical path facts for the Bash policy: normalizing, containment and secrets. Nothing touches the disk.
enum BashPaths {
    /// Collapses `.`, `..` and repeated slashes. A glob component that could match `..` (such as `.*`; a leading
    /// dot must be literal) counts as `..`, because older shells expand it so.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." || (part.hasPrefix(".") && isGlob(part) && globMatches(pattern: part, name: "..")) {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    static func isGlob<S: StringProtocol>(_ text: S) -> Bool {
        text.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" })
    }

    static func baseName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    /// Files and directories that must never reach Claude, by name.
    static let secretNames: Set<String> = [
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", ".netrc", ".pgpass", ".npmrc",
        ".pypirc", ".git-credentials", "credentials.json", ".credentials.json", ".htpasswd", "shadow", "gshadow",
    ]
    static let secretSuffixes = SecretFiles.nameSuffixes
    static let secretDirectories: Set<String> = [".ssh", ".aws", ".gnupg", ".azure"]
    /// Consecutive components that hold credentials.
    static let secretSequences: [[String]] = [
        [".config", "gcloud"], [".config", "gh"], [".docker", "config.json"], [".kube", "config"],
        ["etc", "sudoers"], ["etc", "sudoers.d"], [".claude", ".credentials.json"],
    ]
    /// Names a glob is tested against: `*.pem` or `.env*` target secrets, `*` alone does not.
    static let secretSamples = [".env", ".env.local", "id_rsa", "id_ed25519", "server.pem", "server.key", ".netrc", "cert.p12"]

    static func isSecretName<S: StringProtocol>(_ component: S) -> Bool {
        let name = component.lowercased()
        if secretNames.contains(name) && name != "shadow" && name != "gshadow" { return true }
        if name.hasPrefix(".env") { return true }
        if secretSuffixes.contains(where: { name.hasSuffix($0) }) { return true }
        if isGlob(component) {
            let literalCount = component.filter { !"*?[]".contains($0) }.count
            guard literalCount >= 2 else { return false }
            return secretSamples.contains { globMatches(pattern: Substring(component), name: $0) }
                || isSecretName(instance(of: component))
        }
        return false
    }

    /// Whether the last component of a pattern could match a secret file's name, however unlikely: `*` can match
    /// `server.pem`. With `hiddenNeedDot` (the shell's rule) a pattern matches a name starting with a dot only when
    /// it starts with one itself; ripgrep's globs (Grep's `glob`) have no such rule.
    static func couldMatchSecret(_ pattern: String, hiddenNeedDot: Bool = false) -> Bool {
        if isSecret(pattern) { return true }
        let name = baseName(pattern)
        guard isGlob(name) else { return false }
        let samples = secretSamples + Array(secretNames) + Array(secretDirectories)
        return samples.contains { sample in
            (!hiddenNeedDot || !sample.hasPrefix(".") || name.hasPrefix(".")) && globMatches(pattern: Substring(name), name: sample)
        }
    }

    /// One name a glob matches: `*` as nothing, `?` as `x`, a bracket class as its first member.
    static func instance<S: StringProtocol>(of pattern: S) -> String {
        var result = ""
        var inClass = false
        var classStart = false
        for character in pattern {
            if inClass {
                if character == "]" && !classStart {
                    inClass = false
                } else if classStart && character != "!" && character != "^" {
                    result.append(character)
                    classStart = false
                }
                continue
            }
            switch character {
            case "*": continue
            case "?": result.append("x")
            case "[":
                inClass = true
                classStart = true
            default: result.append(character)
            }
        }
        return result
    }

    /// Whether a path (absolute or relative, as written or resolved) names a secret.
    static func isSecret(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        if components.contains(where: { secretDirectories.contains($0) || isSecretName($0) }) { return true }
        for sequence in secretSequences where components.count >= sequence.count {
            for start in 0...(components.count - sequence.count)
            where Array(components[start..<(start + sequence.count)]) == sequence {
                return true
            }
        }
        if path.hasPrefix("/etc/"), let last = components.last, last == "shadow" || last == "gshadow" || last == "master.passwd" {
            return true
        }
        if components.first == "proc", let last = components.last, last == "environ" || last == "mem" { return true }
        return false
    }

    /// Text that names a secret wherever it appears in a word (inline code, URLs, options).
    static let secretMarkers = [
        "/.ssh/", "~/.ssh", ".ssh/id_", "id_rsa", "id_ed25519", "id_ecdsa", "/.aws/", "~/.aws", ".aws/credentials",
        "/.gnupg", "~/.gnupg", ".credentials.json", "/etc/shadow", "/etc/gshadow", "/environ", ".netrc", ".git-credentials",
    ]

    static func mentionsSecret(_ text: String) -> Bool {
        secretMarkers.contains { text.contains($0) }
    }

    /// Special files that accept writes without changing anything on disk.
    static func isHarmlessDevice(_ path: String) -> Bool {
        ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/stdin", "/dev/zero", "/dev/full"].contains(path)
            || path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/")
    }

    static func isNetworkDevice(_ text: String) -> Bool {
        text.contains("/dev/tcp/") || text.contains("/dev/udp/")
    }

    /// Minimal `fnmatch`: `*`, `?` and `[…]` (with `!`/`^` negation and ranges), memoized so hostile patterns stay
    /// cheap. Patterns too long to check are assumed to match, which only makes the caller stricter.
    static func globMatches(pattern: Substring, name: String) -> Bool {
        let p = Array(pattern)
        let n = Array(name)
        guard p.count <= 256, n.count <= 256 else { return true }
        var memo: [Int: Bool] = [:]
        func match(_ pi: Int, _ ni: Int) -> Bool {
            let key = pi * (n.count + 1) + ni
            if let known = memo[key] { return known }
            let result: Bool
            if pi == p.count {
                result = ni == n.count
            } else {
                switch p[pi] {
                case "*":
                    result = match(pi + 1, ni) || (ni < n.count && match(pi, ni + 1))
                case "?":
                    result = ni < n.count && match(pi + 1, ni + 1)
                case "[" where ni < n.count:
                    if let (matched, next) = matchClass(p, pi, n[ni]) {
                        result = matched && match(next, ni + 1)
                    } else {
                        result = n[ni] == "[" && match(pi + 1, ni + 1)
                    }
                default:
                    result = ni < n.count && n[ni] == p[pi] && match(pi + 1, ni + 1)
                }
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    private static func matchClass(_ p: [Character], _ start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == "!" || p[i] == "^" {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < p.count, p[i] != "]" || first {
            first = false
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                if p[i] <= c && c <= p[i + 2] { matched = true }
                i += 3
            } else {
                if p[i] == c { matched = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (matched != negate, i + 1)
    }

    /// Expands unquoted `{a,b}` alternatives, capped so a hostile word cannot explode.
    static func expandBraces(_ text: String, limit: Int = 32) -> [String] {
        let chars = Array(text)
        guard let open = chars.firstIndex(of: "{") else { return [text] }
        var nesting = 0
        var commas: [Int] = []
        var close: Int?
        for index in open..<chars.count {
            switch chars[index] {
            case "{": nesting += 1
            case "}":
                nesting -= 1
                if nesting == 0 { close = index }
            case "," where nesting == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
        }
        guard let close else { return [text] }
        let prefix = String(chars[..<open])
        let suffix = String(chars[(close + 1)...])
        guard !commas.isEmpty else {
            return expandBraces(suffix, limit: limit).map { prefix + String(chars[open...close]) + $0 }
        }
        var alternatives: [String] = []
        var start = open + 1
        for boundary in commas + [close] {
            alternatives.append(String(chars[start..<boundary]))
            start = boundary + 1
        }
        var results: [String] = []
        for alternative in alternatives {
            for expanded in expandBraces(alternative + suffix, limit: limit) {
                results.append(prefix + expanded)
                if results.count >= limit { return results }
            }
        }
        return results
    }
}
