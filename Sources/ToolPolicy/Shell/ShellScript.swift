/// A parsed shell script: a sequence of and-or lists, each ended by `;`, `&` or a newline.
public struct ShellScript: Sendable, Equatable {
    public var items: [ShellListItem]

    public init(items: [ShellListItem] = []) {
        self.items = items
    }
}

/// One and-or list of a script and whether it runs in the background (`&`).
public struct ShellListItem: Sendable, Equatable {
    public var andOr: ShellAndOrList
    public var background: Bool

    public init(andOr: ShellAndOrList, background: Bool = false) {
        self.andOr = andOr
        self.background = background
    }
}

/// Pipelines joined by `&&` and `||`.
public struct ShellAndOrList: Sendable, Equatable {
    public enum Connector: Sendable, Equatable {
        case and
        case or
    }

    public var first: ShellPipeline
    public var rest: [(connector: Connector, pipeline: ShellPipeline)]

    public init(first: ShellPipeline, rest: [(connector: Connector, pipeline: ShellPipeline)] = []) {
        self.first = first
        self.rest = rest
    }

    public var pipelines: [ShellPipeline] { [first] + rest.map(\.pipeline) }

    public static func == (lhs: ShellAndOrList, rhs: ShellAndOrList) -> Bool {
        lhs.first == rhs.first && lhs.rest.count == rhs.rest.count
            && zip(lhs.rest, rhs.rest).allSatisfy { $0.connector == $1.connector && $0.pipeline == $1.pipeline }
    }
}

/// Commands joined by `|` (or `|&`), optionally negated with `!`.
public struct ShellPipeline: Sendable, Equatable {
    public var negated: Bool
    public var commands: [ShellCommand]

    public init(negated: Bool = false, commands: [ShellCommand]) {
        self.negated = negated
        self.commands = commands
    }
}
