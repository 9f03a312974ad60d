/// What the policy knows about the shell at one point of a script: where it may be and what its variables may
/// hold. Every field lists possibilities, so branches that could each have run are merged rather than guessed.
struct BashShellState: Equatable {
    /// Possible working directories, normalized; nil stands for one that cannot be known.
    var directories: [String?]
    /// Possible values of variables assigned in the script. A variable not listed has an unknown value.
    var variables: [String: [String]] = [:]
    /// Functions defined so far; their bodies were checked where they were defined.
    var functions: Set<String> = []

    static let maximumPossibilities = 16

    init(directory: String) {
        directories = [directory]
    }

    mutating func merge(_ other: BashShellState) {
        for directory in other.directories where !directories.contains(directory) { directories.append(directory) }
        if directories.count > Self.maximumPossibilities { directories = [nil] }
        var merged: [String: [String]] = [:]
        for (name, values) in variables {
            guard let others = other.variables[name] else { continue }
            let union = values + others.filter { !values.contains($0) }
            if union.count <= Self.maximumPossibilities { merged[name] = union }
        }
        variables = merged
        functions.formUnion(other.functions)
    }

    static func merged(_ states: [BashShellState]) -> BashShellState? {
        guard var result = states.first else { return nil }
        for state in states.dropFirst() { result.merge(state) }
        return result
    }
}
