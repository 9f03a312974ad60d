/// Reading words: quoting, escapes and every kind of expansion.
extension ShellGrammar {
    /// Collects a word's parts, merging neighbouring text of the same kind.
    struct PartBuilder {
        var parts: [ShellWordPart] = []
        var literal: [UInt8] = []
        var quoted: [UInt8] = []
        /// Set by quotes that may be empty (`''`, `$''`), which still make a word.
        var sawQuotes = false

        mutating func flush() {
            if !literal.isEmpty {
                append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll()
            }
            if !quoted.isEmpty {
                append(.quoted(String(decoding: quoted, as: UTF8.self)))
                quoted.removeAll()
            }
        }

        mutating func addLiteral(_ byte: UInt8) {
            if !quoted.isEmpty { flush() }
            literal.append(byte)
        }

        mutating func addQuoted<S: Sequence>(_ text: S) where S.Element == UInt8 {
            sawQuotes = true
            if !literal.isEmpty { flush() }
            quoted.append(contentsOf: text)
        }

        mutating func add(_ part: ShellWordPart) {
            flush()
            append(part)
        }

        private mutating func append(_ part: ShellWordPart) {
            switch (parts.last, part) {
            case (.literal(let a)?, .literal(let b)): parts[parts.count - 1] = .literal(a + b)
            case (.quoted(let a)?, .quoted(let b)): parts[parts.count - 1] = .quoted(a + b)
            default: parts.append(part)
            }
        }

        mutating func finish() -> [ShellWordPart] {
            flush()
            if parts.isEmpty && sawQuotes { parts.append(.quoted("")) }
            return parts
        }
    }

    /// One unquoted word; empty when the next byte ends words.
    mutating func parseWord() throws(ShellParseError) -> ShellWord {
        var builder = PartBuilder()
        if let byte = peek(), byte == .less || byte == .greater, peek(1) == .openParen {
            pos += 2
            try enter()
            let body = try parseList(until: .closeParen)
            depth -= 1
            pos += 1
            builder.add(.processSubstitution(body, direction: byte == .less ? .input : .output))
        }
        while let byte = peek(), !Self.isMeta(byte) {
            switch byte {
            case .backslash:
                if peek(1) == .newline {
                    pos += 2
                } else if peek(1) != nil {
                    pos += 1
                    builder.addQuoted(takeCharacter())
                } else {
                    pos += 1
                    builder.addLiteral(.backslash)
                }
            case .singleQuote:
                builder.addQuoted(try readSingleQuoted())
            case .doubleQuote:
                pos += 1
                builder.add(.doubleQuoted(try parseDoubleQuotedText()))
            case .backquote:
                builder.add(try parseBackquoted())
            case .dollar:
                switch try parseDollar(inDoubleQuotes: false) {
                case .quoted(let text): builder.addQuoted(Array(text.utf8))
                case .literal(let text): for b in text.utf8 { builder.addLiteral(b) }
                case let part: builder.add(part)
                }
            default:
                builder.addLiteral(byte)
                pos += 1
            }
        }
        return ShellWord(builder.finish())
    }

    /// The UTF-8 bytes of the character at `pos`, consumed.
    mutating func takeCharacter() -> ArraySlice<UInt8> {
        let start = pos
        pos += 1
        while let byte = peek(), byte & 0xC0 == 0x80 { pos += 1 }
        return bytes[start..<pos]
    }

    mutating func readSingleQuoted() throws(ShellParseError) -> ArraySlice<UInt8> {
        let start = pos
        pos += 1
        guard let end = bytes[pos...].firstIndex(of: .singleQuote) else { throw .unterminated("single quote", at: start) }
        pos = end + 1
        return bytes[(start + 1)..<end]
    }

    /// The text of `"…"` after the opening quote, through the closing one.
    mutating func parseDoubleQuotedText() throws(ShellParseError) -> [ShellWordPart] {
        let start = pos - 1
        try enter()
        defer { depth -= 1 }
        var builder = PartBuilder()
        while true {
            guard let byte = peek() else { throw .unterminated("double quote", at: start) }
            if byte == .doubleQuote {
                pos += 1
                return builder.finish()
            }
            try parseExpanding(byte, into: &builder, escapesQuote: true)
        }
    }

    /// A heredoc body whose delimiter was unquoted: expansions apply, quotes are plain text.
    mutating func parseHeredocText() throws(ShellParseError) -> [ShellWordPart] {
        var builder = PartBuilder()
        while let byte = peek() {
            try parseExpanding(byte, into: &builder, escapesQuote: false)
        }
        return builder.finish()
    }

    /// One step of text where expansions apply but quotes do not (inside `"…"`, or an unquoted heredoc): a
    /// backslash escapes only `$`, `` ` ``, `\` (and `"` inside double quotes) and joins lines; `$` and backquotes
    /// expand; anything else is quoted text.
    private mutating func parseExpanding(
        _ byte: UInt8, into builder: inout PartBuilder, escapesQuote: Bool
    ) throws(ShellParseError) {
        switch byte {
        case .backslash:
            if let next = peek(1), next == .dollar || next == .backquote || next == .backslash || (escapesQuote && next == .doubleQuote) {
                builder.addQuoted([next])
                pos += 2
            } else if peek(1) == .newline {
                pos += 2
            } else {
                builder.addQuoted([byte])
                pos += 1
            }
        case .dollar:
            switch try parseDollar(inDoubleQuotes: true) {
            case .quoted(let text), .literal(let text): builder.addQuoted(Array(text.utf8))
            case let part: builder.add(part)
            }
        case .backquote:
            builder.add(try parseBackquoted())
        default:
            builder.addQuoted([byte])
            pos += 1
        }
    }

    /// `` `…` ``: backslash escapes are removed first, then the text is parsed as a script of its own.
    mutating func parseBackquoted() throws(ShellParseError) -> ShellWordPart {
        let start = pos
        pos += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw .unterminated("backquote", at: start) }
            if byte == .backquote {
                pos += 1
                break
            }
            if byte == .backslash, let next = peek(1), next == .dollar || next == .backquote || next == .backslash {
                text.append(next)
                pos += 2
                continue
            }
            text.append(byte)
            pos += 1
        }
        return .commandSubstitution(try ShellParser.parse(bytes: text, depth: depth + 1), backquoted: true)
    }

    /// Everything that starts with `$`. Returns `.literal("$")` (or `.quoted`) when nothing expands.
    mutating func parseDollar(inDoubleQuotes: Bool) throws(ShellParseError) -> ShellWordPart {
        let start = pos
        guard let next = peek(1) else {
            pos += 1
            return .literal("$")
        }
        switch next {
        case .openParen:
            if peek(2) == .openParen {
                let saved = pos
                if let expression = try parseArithmetic(from: pos + 3) { return .arithmetic(expression.parts) }
                pos = saved
            }
            pos += 2
            try enter()
            let body = try parseList(until: .closeParen)
            depth -= 1
            pos += 1
            return .commandSubstitution(body, backquoted: false)
        case .openBrace:
            return try parseBracedParameter()
        case .singleQuote where !inDoubleQuotes:
            pos += 1
            return .quoted(try readANSICQuoted())
        case .doubleQuote where !inDoubleQuotes:
            pos += 2
            return .doubleQuoted(try parseDoubleQuotedText())
        case let byte where byte.isIdentifierStart:
            pos += 1
            let nameStart = pos
            while let b = peek(), b.isIdentifierPart { pos += 1 }
            return .parameter(ShellParameterExpansion(name: String(decoding: bytes[nameStart..<pos], as: UTF8.self)))
        case let byte where byte.isDigit || "@*#?-$!".utf8.contains(byte):
            pos += 2
            return .parameter(ShellParameterExpansion(name: String(UnicodeScalar(byte))))
        default:
            pos = start + 1
            return inDoubleQuotes ? .quoted("$") : .literal("$")
        }
    }

    /// `((…))` or `$((…))` from just after the opening parentheses. Nil (position unchanged) when the parentheses
    /// do not close as `))`, which makes it a subshell or command substitution instead.
    mutating func parseArithmetic(from start: Int) throws(ShellParseError) -> ShellWord? {
        var index = start
        var nesting = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .openParen {
                nesting += 1
            } else if byte == .closeParen {
                if nesting == 0 {
                    guard index + 1 < bytes.count, bytes[index + 1] == .closeParen else { return nil }
                    break
                }
                nesting -= 1
            }
            index += 1
        }
        guard index < bytes.count else { return nil }
        var inner = ShellGrammar(bytes: Array(bytes[start..<index]), depth: depth + 1, knownBodies: nil)
        try inner.enter()
        var builder = PartBuilder()
        while let byte = inner.peek() {
            switch byte {
            case .dollar:
                switch try inner.parseDollar(inDoubleQuotes: true) {
                case .quoted(let text), .literal(let text): builder.addLiteral(contentsOf: text)
                case let part: builder.add(part)
                }
            case .backquote:
                builder.add(try inner.parseBackquoted())
            default:
                builder.addLiteral(byte)
                inner.pos += 1
            }
        }
        pos = index + 2
        return ShellWord(builder.finish())
    }

    /// `${…}` from the `$`.
    mutating func parseBracedParameter() throws(ShellParseError) -> ShellWordPart {
        let start = pos
        try enter()
        defer { depth -= 1 }
        pos += 2
        var prefix = ""
        if let byte = peek(), byte == .hash || byte == .bang, let after = peek(1), after != .closeBrace {
            prefix = String(UnicodeScalar(byte))
            pos += 1
        }
        let nameStart = pos
        if let byte = peek(), byte.isIdentifierStart {
            while let b = peek(), b.isIdentifierPart { pos += 1 }
        } else if let byte = peek(), byte.isDigit {
            while let b = peek(), b.isDigit { pos += 1 }
        } else if let byte = peek(), "@*#?-$!".utf8.contains(byte) {
            pos += 1
        } else {
            throw .unexpected("parameter expansion", at: start)
        }
        let name = String(decoding: bytes[nameStart..<pos], as: UTF8.self)
        let modifierStart = pos
        var builder = PartBuilder()
        while true {
            guard let byte = peek() else { throw .unterminated("${", at: start) }
            switch byte {
            case .closeBrace:
                let modifier = String(decoding: bytes[modifierStart..<pos], as: UTF8.self)
                pos += 1
                return .parameter(ShellParameterExpansion(name: name, modifier: modifier, modifierParts: builder.finish(),
                                                          braced: true, prefix: prefix))
            case .backslash:
                pos += 1
                if peek() != nil { builder.addQuoted(takeCharacter()) }
            case .singleQuote:
                builder.addQuoted(try readSingleQuoted())
            case .doubleQuote:
                pos += 1
                builder.add(.doubleQuoted(try parseDoubleQuotedText()))
            case .backquote:
                builder.add(try parseBackquoted())
            case .dollar:
                switch try parseDollar(inDoubleQuotes: false) {
                case .quoted(let text), .literal(let text): builder.addLiteral(contentsOf: text)
                case let part: builder.add(part)
                }
            default:
                builder.addLiteral(byte)
                pos += 1
            }
        }
    }

    /// `$'…'` from the quote: decodes C-style escapes.
    mutating func readANSICQuoted() throws(ShellParseError) -> String {
        let start = pos
        pos += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flushRaw() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while true {
            guard let byte = peek() else { throw .unterminated("$' quote", at: start) }
            pos += 1
            if byte == .singleQuote { break }
            guard byte == .backslash, let escape = peek() else {
                raw.append(byte)
                continue
            }
            pos += 1
            let simple: [UInt8: UInt8] = [
                0x61: 7, 0x62: 8, 0x65: 27, 0x45: 27, 0x66: 12, 0x6E: 10, 0x72: 13, 0x74: 9, 0x76: 11,
                .backslash: .backslash, .singleQuote: .singleQuote, .doubleQuote: .doubleQuote, .question: .question,
            ]
            if let value = simple[escape] {
                raw.append(value)
            } else if escape == 0x78 || escape == 0x75 || escape == 0x55 {
                let limit = escape == 0x78 ? 2 : (escape == 0x75 ? 4 : 8)
                var value: UInt32 = 0
                var count = 0
                while count < limit, let digit = peek(), digit.isHexDigit {
                    value = value * 16 + UInt32(Self.hexValue(digit))
                    pos += 1
                    count += 1
                }
                if count == 0 {
                    raw.append(contentsOf: [.backslash, escape])
                } else if escape == 0x78 {
                    raw.append(UInt8(value))
                } else {
                    flushRaw()
                    scalars.append(UnicodeScalar(value) ?? "\u{FFFD}")
                }
            } else if escape >= 0x30 && escape <= 0x37 {
                var value = UInt32(escape - 0x30)
                var count = 1
                while count < 3, let digit = peek(), digit >= 0x30 && digit <= 0x37 {
                    value = value * 8 + UInt32(digit - 0x30)
                    pos += 1
                    count += 1
                }
                raw.append(UInt8(truncatingIfNeeded: value))
            } else if escape == 0x63, let control = peek() {
                pos += 1
                raw.append(control & 0x1F)
            } else {
                raw.append(contentsOf: [.backslash, escape])
            }
        }
        flushRaw()
        return String(scalars)
    }

    static func hexValue(_ digit: UInt8) -> UInt8 {
        if digit.isDigit { return digit - 0x30 }
        return (digit | 0x20) - 0x61 + 10
    }
}

extension ShellGrammar.PartBuilder {
    mutating func addLiteral(contentsOf text: String) {
        for byte in text.utf8 { addLiteral(byte) }
    }
}
