/// Checks of the little programs that sed, awk and jq take as an argument.
enum BashScriptChecks {
    /// Whether a sed script only edits the stream it is given: no command or flag that writes a file (`w`, `W`),
    /// reads one (`r`, `R`) or runs one (`e`). Anything this scanner does not understand counts as unsafe.
    static func sedScriptIsSafe(_ script: String) -> Bool {
        let c = Array(script)
        var i = 0
        func skip(_ characters: String) { while i < c.count, characters.contains(c[i]) { i += 1 } }
        func skipDigits() { while i < c.count, c[i].isNumber { i += 1 } }
        func toLineEnd() { while i < c.count, c[i] != "\n" { i += 1 } }
        /// Reads through the next unescaped `delimiter`.
        func delimited(_ delimiter: Character) -> Bool {
            while i < c.count {
                if c[i] == "\\" {
                    i += 2
                    continue
                }
                if c[i] == delimiter {
                    i += 1
                    return true
                }
                i += 1
            }
            return false
        }
        func address() -> Bool {
            guard i < c.count else { return true }
            if c[i].isNumber {
                skipDigits()
                if i < c.count, c[i] == "~" {
                    i += 1
                    skipDigits()
                }
            } else if c[i] == "$" {
                i += 1
            } else if c[i] == "/" {
                i += 1
                guard delimited("/") else { return false }
                skip("IM")
            } else if c[i] == "\\", i + 1 < c.count {
                let delimiter = c[i + 1]
                i += 2
                guard delimited(delimiter) else { return false }
                skip("IM")
            } else if c[i] == "+" || c[i] == "~" {
                i += 1
                skipDigits()
            }
            return true
        }
        while true {
            skip(" \t\n;")
            guard i < c.count else { return true }
            guard address() else { return false }
            skip(" \t")
            if i < c.count, c[i] == "," {
                i += 1
                skip(" \t")
                guard address() else { return false }
            }
            skip(" \t!")
            guard i < c.count else { return true }
            let command = c[i]
            i += 1
            switch command {
            case "{", "}", "=", "d", "D", "g", "G", "h", "H", "n", "N", "p", "P", "x", "z", "F":
                continue
            case "#", "a", "i", "c", "b", "t", "T", ":", "v":
                if ["b", "t", "T", ":", "v"].contains(command) {
                    while i < c.count, c[i] != "\n", c[i] != ";", c[i] != "}" { i += 1 }
                } else {
                    toLineEnd()
                }
            case "q", "Q", "l", "L":
                skip(" ")
                skipDigits()
            case "s", "y":
                guard i < c.count, c[i] != "\n", c[i] != "\\" else { return false }
                let delimiter = c[i]
                i += 1
                guard delimited(delimiter), delimited(delimiter) else { return false }
                if command == "s" {
                    while i < c.count, c[i].isLetter || c[i].isNumber {
                        if c[i] == "w" || c[i] == "W" || c[i] == "e" { return false }
                        i += 1
                    }
                }
            default:
                return false
            }
        }
    }

    enum AwkFinding: Equatable {
        case readsEnvironment
        case runsOrWrites
    }

    /// What an awk program does beyond printing: reading the environment, running commands, writing files.
    static func awkFinding(_ program: String) -> AwkFinding? {
        if program.contains("ENVIRON") || program.contains("PROCINFO") { return .readsEnvironment }
        let code = stripStrings(program)
        if code.contains("system") || code.contains("getline") || code.contains("|&") || code.contains("@load") {
            return .runsOrWrites
        }
        if code.replacing("||", with: "").contains("|") { return .runsOrWrites }
        // `print … > "file"`: a `>` outside parentheses within a print statement.
        let chars = Array(code)
        var index = 0
        while index < chars.count {
            if chars[index...].starts(with: "print") {
                var nesting = 0
                var j = index + 5
                while j < chars.count, !(nesting == 0 && [";", "}", "\n"].contains(chars[j])) {
                    if chars[j] == "(" { nesting += 1 }
                    if chars[j] == ")" { nesting -= 1 }
                    if chars[j] == ">" && nesting <= 0 { return .runsOrWrites }
                    j += 1
                }
                index = j
            }
            index += 1
        }
        return nil
    }

    /// The program with the contents of string literals removed, so `"a|b"` is not taken for a pipe.
    static func stripStrings(_ program: String) -> String {
        var result = ""
        var inString = false
        var escaped = false
        for character in program {
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                    result.append(character)
                }
                continue
            }
            if character == "\"" { inString = true }
            result.append(character)
        }
        return result
    }

    /// Whether a jq filter reads the environment (`env`, `$ENV`); field access such as `.env` does not.
    static func jqReadsEnvironment(_ filter: String) -> Bool {
        if filter.contains("$ENV") { return true }
        let chars = Array(filter)
        var index = 0
        while index < chars.count {
            guard chars[index].isLetter || chars[index] == "_" else {
                index += 1
                continue
            }
            let start = index
            while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" { index += 1 }
            let previous = start > 0 ? chars[start - 1] : " "
            if String(chars[start..<index]) == "env", previous != ".", previous != "$", previous != "\"" { return true }
        }
        return false
    }
}
