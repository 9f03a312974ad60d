/// A redirection such as `2>>log`, `<input`, `2>&1`, `&>out` or a heredoc.
public struct ShellRedirection: Sendable, Equatable {
    public enum Operator: String, Sendable, Equatable, CaseIterable {
        case input = "<"
        case output = ">"
        case append = ">>"
        case clobber = ">|"
        case readWrite = "<>"
        case duplicateInput = "<&"
        case duplicateOutput = ">&"
        case outputAndError = "&>"
        case appendOutputAndError = "&>>"
        case heredoc = "<<"
        case heredocStrippingTabs = "<<-"
        case hereString = "<<<"

        /// Whether the target names a file that is opened for writing.
        public var writes: Bool {
            switch self {
            case .output, .append, .clobber, .readWrite, .outputAndError, .appendOutputAndError, .duplicateOutput: true
            default: false
            }
        }
    }

    /// The file descriptor written before the operator (`2>`), if any.
    public var fileDescriptor: Int?
    public var op: Operator
    /// The file, descriptor (`&1`'s `1`), here-string word or heredoc delimiter.
    public var target: ShellWord
    /// The heredoc's body: expansions parsed unless the delimiter was quoted. Nil for other operators.
    public var heredocBody: ShellWord?

    public init(fileDescriptor: Int? = nil, op: Operator, target: ShellWord, heredocBody: ShellWord? = nil) {
        self.fileDescriptor = fileDescriptor
        self.op = op
        self.target = target
        self.heredocBody = heredocBody
    }

    /// `>&1`, `2>&-`, `<&0`: duplicating or closing a descriptor opens no file.
    public var duplicatesDescriptor: Bool {
        guard op == .duplicateOutput || op == .duplicateInput, let text = target.staticText else { return false }
        return text == "-" || (!text.isEmpty && text.allSatisfy(\.isNumber)) || (text.hasSuffix("-") && text.dropLast().allSatisfy(\.isNumber))
    }
}
