/// The recursive-descent parser behind `ShellParser`: lists, pipelines and commands. Words are read by the
/// extension in ShellGrammar+Words.swift. It works on UTF-8 bytes; every byte of 0x80 and above is word text.
struct ShellGrammar {
    enum Stop: Equatable {
        case endOfInput
        case closeParen
        case keywords(Set<String>)
        case caseItemEnd
    }

    struct PendingHeredoc {
        var delimiter: [UInt8]
        var stripsTabs: Bool
        var quoted: Bool
    }

    static let reservedWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "select",
        "function", "{", "}", "!", "[[", "]]", "in",
    ]

    let bytes: [UInt8]
    var pos = 0
    var depth: Int
    var pending: [PendingHeredoc] = []
    var collectedBodies: [ShellWord] = []
    let knownBodies: [ShellWord]?
    var heredocsSeen = 0

    init(bytes: [UInt8], depth: Int, knownBodies: [ShellWord]?) {
        self.bytes = bytes
        self.depth = depth
        self.knownBodies = knownBodies
    }

    // MARK: Characters

    func peek(_ offset: Int = 0) -> UInt8? {
        let index = pos + offset
        return index < bytes.count ? bytes[index] : nil
    }

    var atEnd: Bool { pos >= bytes.count }

    static func isBlank(_ byte: UInt8) -> Bool { byte == .space || byte == .tab || byte == .carriageReturn }

    /// Bytes that end an unquoted word.
    static func isMeta(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == .newline || byte == .semicolon || byte == .ampersand || byte == .pipe
            || byte == .openParen || byte == .closeParen || byte == .less || byte == .greater
    }

    func lookingAt(_ text: String) -> Bool {
        var index = pos
        for byte in text.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    mutating func skipBlanks() {
        while let byte = peek(), Self.isBlank(byte) { pos += 1 }
        // A backslash-newline between words is only a line continuation.
        if peek() == .backslash, peek(1) == .newline {
            pos += 2
            skipBlanks()
        }
    }

    mutating func skipComment() {
        while let byte = peek(), byte != .newline { pos += 1 }
    }

    /// Blanks, comments and newlines; reads pending heredoc bodies at each newline.
    mutating func skipLinebreaks() throws(ShellParseError) {
        while true {
            skipBlanks()
            if peek() == .hash {
                skipComment()
            } else if peek() == .newline {
                try consumeNewline()
            } else {
                return
            }
        }
    }

    mutating func consumeNewline() throws(ShellParseError) {
        pos += 1
        let due = pending
        pending.removeAll()
        for heredoc in due {
            collectedBodies.append(try readHeredocBody(heredoc))
        }
    }

    /// The reserved word starting here, if the unquoted text up to the next delimiter is one.
    func reservedWord() -> String? {
        var end = pos
        while end < bytes.count, !Self.isMeta(bytes[end]) {
            let byte = bytes[end]
            if byte == .singleQuote || byte == .doubleQuote || byte == .backslash || byte == .dollar || byte == .backquote {
                return nil
            }
            end += 1
            if end - pos > 8 { return nil }
        }
        guard end > pos else { return nil }
        let word = String(decoding: bytes[pos..<end], as: UTF8.self)
        return Self.reservedWords.contains(word) ? word : nil
    }

    mutating func expectReserved(_ word: String) throws(ShellParseError) {
        guard reservedWord() == word else {
            if atEnd { throw .unterminated("compound command (missing \(word))", at: pos) }
            throw .unexpected("text where \(word) was expected", at: pos)
        }
        pos += word.utf8.count
    }

    mutating func enter() throws(ShellParseError) {
        depth += 1
        if depth > ShellParser.maximumDepth { throw .tooDeep(at: pos) }
    }

    // MARK: Lists

    mutating func parseProgram() throws(ShellParseError) -> ShellScript {
        let script = try parseList(until: .endOfInput)
        if !atEnd { throw .unexpected("\"\(Character(UnicodeScalar(bytes[pos])))\"", at: pos) }
        return script
    }

    func atStop(_ stop: Stop) -> Bool {
        switch stop {
        case .endOfInput: return false
        case .closeParen: return peek() == .closeParen
        case .keywords(let words): return reservedWord().map(words.contains) ?? false
        case .caseItemEnd: return lookingAt(";;") || lookingAt(";&") || reservedWord() == "esac"
        }
    }

    mutating func parseList(until stop: Stop) throws(ShellParseError) -> ShellScript {
        var items: [ShellListItem] = []
        while true {
            try skipLinebreaks()
            if atEnd {
                if stop != .endOfInput { throw .unterminated(stop == .closeParen ? "parenthesis" : "compound command", at: pos) }
                break
            }
            if atStop(stop) { break }
            let andOr = try parseAndOr()
            skipBlanks()
            if peek() == .hash { skipComment() }
            if peek() == .semicolon, peek(1) != .semicolon, peek(1) != .ampersand {
                pos += 1
                items.append(ShellListItem(andOr: andOr))
            } else if peek() == .ampersand, peek(1) != .ampersand, peek(1) != .greater {
                pos += 1
                items.append(ShellListItem(andOr: andOr, background: true))
            } else if peek() == .newline {
                try consumeNewline()
                items.append(ShellListItem(andOr: andOr))
            } else if atEnd || atStop(stop) {
                items.append(ShellListItem(andOr: andOr))
            } else {
                throw .unexpected("\"\(Character(UnicodeScalar(bytes[pos])))\"", at: pos)
            }
        }
        return ShellScript(items: items)
    }

    mutating func parseAndOr() throws(ShellParseError) -> ShellAndOrList {
        var list = ShellAndOrList(first: try parsePipeline())
        while true {
            skipBlanks()
            let connector: ShellAndOrList.Connector
            if lookingAt("&&") {
                connector = .and
            } else if lookingAt("||") {
                connector = .or
            } else {
                return list
            }
            pos += 2
            try skipLinebreaks()
            list.rest.append((connector, try parsePipeline()))
        }
    }

    mutating func parsePipeline() throws(ShellParseError) -> ShellPipeline {
        skipBlanks()
        var negated = false
        if reservedWord() == "!" {
            pos += 1
            negated = true
            skipBlanks()
        }
        var commands = [try parseCommand()]
        while true {
            skipBlanks()
            guard peek() == .pipe, peek(1) != .pipe else { break }
            pos += peek(1) == .ampersand ? 2 : 1
            try skipLinebreaks()
            commands.append(try parseCommand())
        }
        return ShellPipeline(negated: negated, commands: commands)
    }

    // MARK: Commands

    mutating func parseCommand() throws(ShellParseError) -> ShellCommand {
        try enter()
        defer { depth -= 1 }
        skipBlanks()
        if peek() == .openParen {
            if peek(1) == .openParen, let expression = try parseArithmetic(from: pos + 2) {
                var command = ShellCompoundCommand(kind: .arithmetic, words: [expression])
                command.redirections = try parseRedirections()
                return .compound(command)
            }
            pos += 1
            let body = try parseList(until: .closeParen)
            pos += 1
            return .compound(ShellCompoundCommand(kind: .subshell, bodies: [body], redirections: try parseRedirections()))
        }
        if let word = reservedWord() {
            switch word {
            case "{":
                pos += 1
                let body = try parseList(until: .keywords(["}"]))
                try expectReserved("}")
                return .compound(ShellCompoundCommand(kind: .braceGroup, bodies: [body], redirections: try parseRedirections()))
            case "if": return try parseIf()
            case "while", "until": return try parseWhile(until: word == "until")
            case "for", "select": return try parseFor(keywordLength: word.utf8.count)
            case "case": return try parseCase()
            case "function": return try parseFunctionKeyword()
            case "[[": return try parseConditional()
            case "]]", "in": break
            default: throw .unexpected("\"\(word)\"", at: pos)
            }
        }
        let start = pos
        let simple = try parseSimpleCommand()
        skipBlanks()
        if peek() == .openParen, simple.assignments.isEmpty, simple.redirections.isEmpty, simple.words.count == 1,
           let name = simple.words[0].staticText {
            pos += 1
            skipBlanks()
            guard peek() == .closeParen else { throw .unexpected("text in a function definition", at: pos) }
            pos += 1
            try skipLinebreaks()
            return .functionDefinition(name: name, body: try parseCommand())
        }
        if simple.words.isEmpty, simple.assignments.isEmpty, simple.redirections.isEmpty {
            if atEnd { throw .unexpected("end of input", at: start) }
            throw .unexpected("\"\(Character(UnicodeScalar(bytes[pos])))\"", at: pos)
        }
        return .simple(simple)
    }

    mutating func parseRedirections() throws(ShellParseError) -> [ShellRedirection] {
        var redirections: [ShellRedirection] = []
        while true {
            skipBlanks()
            guard let redirection = try parseRedirectionIfPresent() else { return redirections }
            redirections.append(redirection)
        }
    }

    mutating func parseSimpleCommand() throws(ShellParseError) -> ShellSimpleCommand {
        var command = ShellSimpleCommand()
        while true {
            skipBlanks()
            guard let byte = peek() else { break }
            if byte == .hash {
                skipComment()
                break
            }
            let isProcessSubstitution = (byte == .less || byte == .greater) && peek(1) == .openParen
            if !isProcessSubstitution, let redirection = try parseRedirectionIfPresent() {
                command.redirections.append(redirection)
                continue
            }
            if Self.isMeta(byte) && !isProcessSubstitution { break }
            if command.words.isEmpty, let assignment = try parseAssignmentIfPresent() {
                command.assignments.append(assignment)
                continue
            }
            let word = try parseWord()
            guard !word.parts.isEmpty else { break }
            command.words.append(word)
        }
        return command
    }

    mutating func parseAssignmentIfPresent() throws(ShellParseError) -> ShellAssignment? {
        guard let first = peek(), first.isIdentifierStart else { return nil }
        var end = pos + 1
        while end < bytes.count, bytes[end].isIdentifierPart { end += 1 }
        var appends = false
        if end < bytes.count, bytes[end] == .plus, end + 1 < bytes.count, bytes[end + 1] == .equals {
            appends = true
        } else if end >= bytes.count || bytes[end] != .equals {
            return nil
        }
        let name = String(decoding: bytes[pos..<end], as: UTF8.self)
        pos = end + (appends ? 2 : 1)
        if peek() == .openParen {
            pos += 1
            var values: [ShellWord] = []
            while true {
                try skipLinebreaks()
                if peek() == .closeParen {
                    pos += 1
                    break
                }
                guard !atEnd else { throw .unterminated("array assignment", at: pos) }
                let word = try parseWord()
                guard !word.parts.isEmpty else { throw .unexpected("text in an array assignment", at: pos) }
                values.append(word)
            }
            return ShellAssignment(name: name, value: ShellWord([]), arrayValues: values, appends: appends)
        }
        return ShellAssignment(name: name, value: try parseWord(), appends: appends)
    }

    mutating func parseRedirectionIfPresent() throws(ShellParseError) -> ShellRedirection? {
        var index = pos
        while index < bytes.count, bytes[index].isDigit { index += 1 }
        var descriptor: Int?
        if index > pos {
            guard index < bytes.count, bytes[index] == .less || bytes[index] == .greater, index - pos <= 6 else { return nil }
            descriptor = Int(String(decoding: bytes[pos..<index], as: UTF8.self))
        }
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        let op: ShellRedirection.Operator
        switch at(0) {
        case .ampersand? where descriptor == nil && at(1) == .greater:
            op = at(2) == .greater ? .appendOutputAndError : .outputAndError
        case .greater?:
            switch at(1) {
            case .greater?: op = .append
            case .pipe?: op = .clobber
            case .ampersand?: op = .duplicateOutput
            case .openParen?: return nil
            default: op = .output
            }
        case .less?:
            switch at(1) {
            case .less?: op = at(2) == .less ? .hereString : (at(2) == .minus ? .heredocStrippingTabs : .heredoc)
            case .greater?: op = .readWrite
            case .ampersand?: op = .duplicateInput
            case .openParen?: return nil
            default: op = .input
            }
        default:
            return nil
        }
        pos = index + op.rawValue.utf8.count
        skipBlanks()
        let target = try parseWord()
        guard !target.parts.isEmpty else { throw .unexpected("redirection without a target", at: pos) }
        var redirection = ShellRedirection(fileDescriptor: descriptor, op: op, target: target)
        if op == .heredoc || op == .heredocStrippingTabs {
            let quoted = target.parts.contains { if case .literal = $0 { return false } else { return true } }
            let delimiter = target.staticText ?? target.displayText
            pending.append(PendingHeredoc(delimiter: Array(delimiter.utf8), stripsTabs: op == .heredocStrippingTabs, quoted: quoted))
            if let knownBodies, heredocsSeen < knownBodies.count { redirection.heredocBody = knownBodies[heredocsSeen] }
            heredocsSeen += 1
        }
        return redirection
    }

    mutating func readHeredocBody(_ heredoc: PendingHeredoc) throws(ShellParseError) -> ShellWord {
        var body: [UInt8] = []
        while pos < bytes.count {
            var lineEnd = pos
            while lineEnd < bytes.count, bytes[lineEnd] != .newline { lineEnd += 1 }
            var lineStart = pos
            if heredoc.stripsTabs { while lineStart < lineEnd, bytes[lineStart] == .tab { lineStart += 1 } }
            pos = min(lineEnd + 1, bytes.count)
            if bytes[lineStart..<lineEnd].elementsEqual(heredoc.delimiter) { break }
            body.append(contentsOf: bytes[lineStart..<lineEnd])
            body.append(.newline)
        }
        if heredoc.quoted { return ShellWord([.quoted(String(decoding: body, as: UTF8.self))]) }
        var inner = ShellGrammar(bytes: body, depth: depth + 1, knownBodies: nil)
        try inner.enter()
        return ShellWord(try inner.parseHeredocText())
    }

    // MARK: Compound commands

    mutating func parseIf() throws(ShellParseError) -> ShellCommand {
        pos += 2
        var bodies: [ShellScript] = []
        var hasElse = false
        bodies.append(try parseList(until: .keywords(["then"])))
        try expectReserved("then")
        bodies.append(try parseList(until: .keywords(["elif", "else", "fi"])))
        while true {
            if reservedWord() == "elif" {
                pos += 4
                bodies.append(try parseList(until: .keywords(["then"])))
                try expectReserved("then")
                bodies.append(try parseList(until: .keywords(["elif", "else", "fi"])))
            } else if reservedWord() == "else" {
                pos += 4
                hasElse = true
                bodies.append(try parseList(until: .keywords(["fi"])))
            } else {
                try expectReserved("fi")
                break
            }
        }
        return .compound(ShellCompoundCommand(kind: .ifClause(hasElse: hasElse), bodies: bodies, redirections: try parseRedirections()))
    }

    mutating func parseWhile(until: Bool) throws(ShellParseError) -> ShellCommand {
        pos += 5  // "while" and "until" are both five letters
        let condition = try parseList(until: .keywords(["do"]))
        let body = try parseDoGroup()
        return .compound(ShellCompoundCommand(kind: until ? .untilLoop : .whileLoop, bodies: [condition, body],
                                              redirections: try parseRedirections()))
    }

    mutating func parseDoGroup() throws(ShellParseError) -> ShellScript {
        try skipLinebreaks()
        if reservedWord() == "{" {
            pos += 1
            let body = try parseList(until: .keywords(["}"]))
            try expectReserved("}")
            return body
        }
        try expectReserved("do")
        let body = try parseList(until: .keywords(["done"]))
        try expectReserved("done")
        return body
    }

    mutating func parseFor(keywordLength: Int) throws(ShellParseError) -> ShellCommand {
        pos += keywordLength
        skipBlanks()
        if lookingAt("(("), let expression = try parseArithmetic(from: pos + 2) {
            skipBlanks()
            if peek() == .semicolon { pos += 1 }
            let body = try parseDoGroup()
            return .compound(ShellCompoundCommand(kind: .arithmeticForLoop, bodies: [body], words: [expression],
                                                  redirections: try parseRedirections()))
        }
        let nameWord = try parseWord()
        guard let name = nameWord.staticText, !name.isEmpty else { throw .unexpected("loop variable", at: pos) }
        try skipLinebreaks()
        var words: [ShellWord] = []
        var hasList = false
        if reservedWord() == "in" {
            pos += 2
            hasList = true
            while true {
                skipBlanks()
                guard let byte = peek(), !Self.isMeta(byte) else { break }
                if byte == .hash {
                    skipComment()
                    break
                }
                words.append(try parseWord())
            }
        }
        if peek() == .semicolon {
            pos += 1
        } else if peek() == .newline {
            try consumeNewline()
        }
        let body = try parseDoGroup()
        return .compound(ShellCompoundCommand(kind: .forLoop(variable: name, hasList: hasList), bodies: [body], words: words,
                                              redirections: try parseRedirections()))
    }

    mutating func parseCase() throws(ShellParseError) -> ShellCommand {
        pos += 4
        skipBlanks()
        let subject = try parseWord()
        guard !subject.parts.isEmpty else { throw .unexpected("case without a subject", at: pos) }
        try skipLinebreaks()
        try expectReserved("in")
        var words = [subject]
        var bodies: [ShellScript] = []
        var counts: [Int] = []
        while true {
            try skipLinebreaks()
            if reservedWord() == "esac" {
                pos += 4
                break
            }
            guard !atEnd else { throw .unterminated("case (missing esac)", at: pos) }
            if peek() == .openParen { pos += 1 }
            var count = 0
            while true {
                skipBlanks()
                let pattern = try parseWord()
                guard !pattern.parts.isEmpty else { throw .unexpected("case pattern", at: pos) }
                words.append(pattern)
                count += 1
                skipBlanks()
                if peek() == .pipe {
                    pos += 1
                } else if peek() == .closeParen {
                    pos += 1
                    break
                } else {
                    throw .unexpected("text in a case pattern", at: pos)
                }
            }
            counts.append(count)
            bodies.append(try parseList(until: .caseItemEnd))
            try skipLinebreaks()
            if lookingAt(";;&") {
                pos += 3
            } else if lookingAt(";;") || lookingAt(";&") {
                pos += 2
            }
        }
        return .compound(ShellCompoundCommand(kind: .caseClause(patternCounts: counts), bodies: bodies, words: words,
                                              redirections: try parseRedirections()))
    }

    mutating func parseFunctionKeyword() throws(ShellParseError) -> ShellCommand {
        pos += 8
        skipBlanks()
        let nameWord = try parseWord()
        guard let name = nameWord.staticText, !name.isEmpty else { throw .unexpected("function name", at: pos) }
        skipBlanks()
        if peek() == .openParen {
            pos += 1
            skipBlanks()
            guard peek() == .closeParen else { throw .unexpected("text in a function definition", at: pos) }
            pos += 1
        }
        try skipLinebreaks()
        return .functionDefinition(name: name, body: try parseCommand())
    }

    mutating func parseConditional() throws(ShellParseError) -> ShellCommand {
        pos += 2
        var words: [ShellWord] = []
        while true {
            try skipLinebreaks()
            guard let byte = peek() else { throw .unterminated("[[ (missing ]])", at: pos) }
            if reservedWord() == "]]" {
                pos += 2
                break
            }
            let operators = ["&&", "||", "<", ">", "(", ")", "|", "&", ";"]
            if Self.isMeta(byte), let op = operators.first(where: lookingAt) {
                if op == ";" { throw .unexpected("\";\" inside [[ ]]", at: pos) }
                pos += op.utf8.count
                words.append(.literal(op))
                continue
            }
            let word = try parseWord()
            guard !word.parts.isEmpty else { throw .unexpected("text inside [[ ]]", at: pos) }
            words.append(word)
        }
        return .compound(ShellCompoundCommand(kind: .conditional, words: words, redirections: try parseRedirections()))
    }
}
