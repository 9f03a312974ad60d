/// The guard's lexical check of a path a person typed (`/cd`, `/get`, …). It never touches the disk: it decides
/// from the text alone whether the path stays inside the approved directory, and returns it normalised and
/// relative to that directory. The executor checks the real path (symlinks, permissions) again right before use.
public struct PathValidator: Sendable {
    /// PATH_MAX on Linux, in UTF-8 bytes; applies to the input and to the absolute result.
    public static let maxPathBytes = 4096

    public let approvedRoot: String
    private let rootComponents: [Substring]

    /// - Parameter approvedRoot: absolute and already resolved (no symlinks); a trailing slash is ignored.
    public init(approvedRoot: String) {
        self.approvedRoot = approvedRoot
        rootComponents = approvedRoot.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// - Parameters:
    ///   - input: the path as the person typed it, relative to `currentDirectory` or absolute.
    ///   - currentDirectory: relative to the root; `""` is the root itself.
    /// - Returns: the normalised path relative to the root (`""` for the root), or why it was refused. `..` may
    ///   climb within the root but never above it, not even for a moment: `../root/x` is refused, not clamped.
    public func resolve(_ input: String, from currentDirectory: String) -> Result<String, Refusal> {
        var base: [Substring] = []
        if !currentDirectory.isEmpty {
            switch lexicalComponents(currentDirectory, base: []) {
            case .success(let components): base = components
            case .failure(let refusal):
                return .failure(Refusal(.currentDirectoryInvalid,
                                        "the current folder is not valid any more (\(refusal.code)); use /cd to "
                                        + "pick a folder again"))
            }
        }
        return lexicalComponents(input, base: base).map { $0.joined(separator: "/") }
    }

    private func lexicalComponents(_ input: String, base: [Substring]) -> Result<[Substring], Refusal> {
        if input.unicodeScalars.allSatisfy({ $0 == " " }) {
            return .failure(Refusal(.empty, "no path was given"))
        }
        let inputBytes = input.utf8.count
        if inputBytes > Self.maxPathBytes {
            return .failure(Refusal(.pathTooLong,
                                    "the path is \(inputBytes) bytes long; the limit is \(Self.maxPathBytes) bytes"))
        }
        if let refusal = CharacterScreen.check(input) { return .failure(refusal) }

        // Split on the byte `/` exactly as the kernel does; `Character`-based splitting would miss a `/` fused
        // with a following combining mark.
        let parts = input.unicodeScalars.split(separator: "/", omittingEmptySubsequences: true).map(Substring.init)
        var components = base
        var remaining = parts[...]
        if input.unicodeScalars.first == "/" {
            // Byte comparison, not String `==`: canonically equivalent spellings are different names on disk.
            guard parts.starts(with: rootComponents, by: { $0.utf8.elementsEqual($1.utf8) }) else {
                return .failure(Refusal(.absoluteOutside,
                                        "an absolute path must lie inside the approved directory; use a path "
                                        + "relative to the project instead"))
            }
            components = []
            remaining = parts.dropFirst(rootComponents.count)
        }
        for part in remaining {
            if part.utf8.elementsEqual(".".utf8) { continue }
            if part.utf8.elementsEqual("..".utf8) {
                if components.isEmpty {
                    return .failure(Refusal(.traversal, "the path uses .. to climb above the approved directory"))
                }
                components.removeLast()
                continue
            }
            if let refusal = NameRules.check(part) { return .failure(refusal) }
            components.append(part)
        }
        let absoluteBytes = approvedRoot.utf8.count + components.reduce(0) { $0 + 1 + $1.utf8.count }
        if absoluteBytes >= Self.maxPathBytes {
            return .failure(Refusal(.pathTooLong,
                                    "the full path would be \(absoluteBytes) bytes long; the limit is "
                                    + "\(Self.maxPathBytes - 1) bytes"))
        }
        return .success(components)
    }
}
