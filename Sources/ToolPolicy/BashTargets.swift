/// The paths a command names, gathered while it is analyzed, for `BashPolicy.staticPaths`.
struct BashTargets {
    private(set) var paths: [String] = []
    private(set) var patterns: [String] = []
    private(set) var hasUnknownTargets = false

    static let maximumCount = 256

    /// Notes a path as the shell would hand it to the kernel: absolute, `//` and `/./` collapsed, `..` kept
    /// (after a link it climbs from the link's target, which only a check on disk sees).
    mutating func note(_ path: String) {
        let cleaned = "/" + path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        if cleaned.split(separator: "/").contains(where: { $0.hasPrefix("(") && $0.hasSuffix(")") }) {
            // A stand-in for files another program finds or lists when the command runs.
            hasUnknownTargets = true
            return
        }
        guard !paths.contains(cleaned), !patterns.contains(cleaned) else { return }
        guard paths.count + patterns.count < Self.maximumCount else {
            hasUnknownTargets = true
            return
        }
        if BashPaths.isGlob(cleaned) { patterns.append(cleaned) } else { paths.append(cleaned) }
    }

    mutating func noteUnknown() {
        hasUnknownTargets = true
    }

    var result: BashStaticPaths {
        BashStaticPaths(paths: paths, patterns: patterns, hasUnknownTargets: hasUnknownTargets)
    }
}
