/// One command of a pipeline.
public indirect enum ShellCommand: Sendable, Equatable {
    case simple(ShellSimpleCommand)
    case compound(ShellCompoundCommand)
    /// `name() body` or `function name body`; the body is not run where it is defined.
    case functionDefinition(name: String, body: ShellCommand)
}

/// `FOO=1 program arg… >redirections`.
public struct ShellSimpleCommand: Sendable, Equatable {
    public var assignments: [ShellAssignment]
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]

    public init(assignments: [ShellAssignment] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = []) {
        self.assignments = assignments
        self.words = words
        self.redirections = redirections
    }
}

/// `NAME=value`, `NAME+=value` or `NAME=(a b c)`.
public struct ShellAssignment: Sendable, Equatable {
    public var name: String
    public var value: ShellWord
    /// Elements of an array assignment `NAME=(…)`; empty otherwise.
    public var arrayValues: [ShellWord]
    public var appends: Bool

    public init(name: String, value: ShellWord, arrayValues: [ShellWord] = [], appends: Bool = false) {
        self.name = name
        self.value = value
        self.arrayValues = arrayValues
        self.appends = appends
    }
}

/// Subshells, groups, conditionals and loops. `bodies` are the lists the construct runs, in source order;
/// `words` are the words it expands itself (the `for` list, the `case` subject and patterns, `[[ … ]]` operands).
public struct ShellCompoundCommand: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case subshell
        case braceGroup
        /// bodies: condition, then-branch, then (condition, branch) per elif, then the else branch if any.
        case ifClause(hasElse: Bool)
        /// bodies: condition, loop body.
        case whileLoop
        case untilLoop
        /// bodies: loop body. words: the list (nil when `in` is absent: the positional parameters).
        case forLoop(variable: String, hasList: Bool)
        /// `for (( … ))`: words hold the three arithmetic expressions; bodies: loop body.
        case arithmeticForLoop
        /// words: the subject then every pattern; bodies: one per item. patternCounts: patterns per item.
        case caseClause(patternCounts: [Int])
        /// `(( … ))`: words hold the expression.
        case arithmetic
        /// `[[ … ]]`: words hold the operands and operators.
        case conditional
    }

    public var kind: Kind
    public var bodies: [ShellScript]
    public var words: [ShellWord]
    public var redirections: [ShellRedirection]

    public init(kind: Kind, bodies: [ShellScript] = [], words: [ShellWord] = [], redirections: [ShellRedirection] = []) {
        self.kind = kind
        self.bodies = bodies
        self.words = words
        self.redirections = redirections
    }
}
