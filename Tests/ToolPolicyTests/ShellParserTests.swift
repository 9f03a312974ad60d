import ToolPolicy
import Testing

/// The single simple command of a one-command script.
func parseSimple(_ source: String) throws -> ShellSimpleCommand {
    let script = try ShellParser.parse(source)
    guard script.items.count == 1, case .simple(let command)? = script.items[0].andOr.first.commands.first else {
        throw ShellParseError(code: "test.shape", message: "not one simple command", offset: 0)
    }
    return command
}

func wordTexts(_ command: ShellSimpleCommand) -> [String?] { command.words.map(\.staticText) }

func parseCompound(_ source: String) throws -> ShellCompoundCommand {
    let script = try ShellParser.parse(source)
    guard case .compound(let command)? = script.items.first?.andOr.first.commands.first else {
        throw ShellParseError(code: "test.shape", message: "not a compound command", offset: 0)
    }
    return command
}

@Suite struct ShellParserTests {
    @Test func wordsAreSplitOnBlanks() throws {
        #expect(wordTexts(try parseSimple("ls  -la\tsrc")) == ["ls", "-la", "src"])
        #expect(try ShellParser.parse("").items.isEmpty)
        #expect(try ShellParser.parse("  # only a comment").items.isEmpty)
        #expect(wordTexts(try parseSimple("ls # comment ; rm -rf /")) == ["ls"])
        #expect(wordTexts(try parseSimple("echo a#b")) == ["echo", "a#b"])
    }

    @Test func quotesAndEscapesAreRemovedButRemembered() throws {
        let command = try parseSimple("echo 'a b' \"c d\" e\\ f \\$HOME '' \"\"")
        #expect(wordTexts(command) == ["echo", "a b", "c d", "e f", "$HOME", "", ""])
        #expect(command.words[1].parts == [.quoted("a b")])
        #expect(command.words[2].parts == [.doubleQuoted([.quoted("c d")])])
        #expect(command.words[3].parts == [.literal("e"), .quoted(" "), .literal("f")])
        #expect(wordTexts(try parseSimple("r\"\"m -rf")) == ["rm", "-rf"])
        #expect(wordTexts(try parseSimple("\\rm")) == ["rm"])
        #expect(wordTexts(try parseSimple("echo \"a\\\"b\\\\c\\d\"")) == ["echo", "a\"b\\c\\d"])
        #expect(wordTexts(try parseSimple("echo 'it'\\''s'")) == ["echo", "it's"])
    }

    @Test func ansiCQuotesAreDecoded() throws {
        #expect(wordTexts(try parseSimple("$'\\x72m' $'a\\tb' $'\\101\\n' $'\\u00e9' $'it\\'s'")) == ["rm", "a\tb", "A\n", "é", "it's"])
        #expect(wordTexts(try parseSimple("echo $\"localized\"")) == ["echo", "localized"])
    }

    @Test func operatorsBuildListsAndPipelines() throws {
        let script = try ShellParser.parse("a; b && c || d | e & f")
        #expect(script.items.count == 3)
        #expect(script.items[0].background == false)
        #expect(script.items[1].background == true)
        let andOr = script.items[1].andOr
        #expect(andOr.rest.map(\.connector) == [.and, .or])
        #expect(andOr.rest[1].pipeline.commands.count == 2)
        #expect(try ShellParser.parse("a\nb\n\n  c\n").items.count == 3)
        #expect(try ShellParser.parse("a &&\n b ||\n c |\n d").items.count == 1)
        let negated = try ShellParser.parse("! grep -q x f |& cat")
        #expect(negated.items[0].andOr.first.negated)
        #expect(negated.items[0].andOr.first.commands.count == 2)
    }

    @Test func subshellsAndGroupsHoldScripts() throws {
        let subshell = try parseCompound("(cd x && make) > log")
        #expect(subshell.kind == .subshell)
        #expect(subshell.bodies[0].items.count == 1)
        #expect(subshell.redirections.first?.op == .output)
        let group = try parseCompound("{ a; b; }")
        #expect(group.kind == .braceGroup)
        #expect(group.bodies[0].items.count == 2)
        #expect(wordTexts(try parseSimple("echo {a,b} {x")) == ["echo", "{a,b}", "{x"])
        #expect(wordTexts(try parseSimple("echo if then fi }")) == ["echo", "if", "then", "fi", "}"])
    }

    @Test func commandSubstitutionsAreParsedRecursively() throws {
        let command = try parseSimple("echo $(echo $(ls -la)) `pwd` \"in $(date) quotes\"")
        #expect(command.words[1].substitutions.count == 1)
        let inner = try #require(command.words[1].substitutions.first)
        guard case .simple(let echo)? = inner.items.first?.andOr.first.commands.first else {
            Issue.record("no inner command")
            return
        }
        #expect(echo.words[1].substitutions.count == 1)
        #expect(command.words[2].parts.first.map { if case .commandSubstitution(_, true) = $0 { true } else { false } } == true)
        #expect(command.words[3].substitutions.count == 1)
        #expect(command.words[3].staticText == nil)
        let backquoted = try parseSimple("echo `echo \\`ls\\``")
        #expect(backquoted.words[1].substitutions.count == 1)
        #expect(try parseSimple("echo $(case x in a) echo;; esac)").words[1].substitutions.count == 1)
    }

    @Test func processSubstitutionsAreWords() throws {
        let command = try parseSimple("diff <(ls a) >(cat)")
        #expect(command.words.count == 3)
        #expect(command.redirections.isEmpty)
        guard case .processSubstitution(_, let direction)? = command.words[2].parts.first else {
            Issue.record("not a process substitution")
            return
        }
        #expect(direction == .output)
    }

    @Test func redirectionsKeepOperatorDescriptorAndTarget() throws {
        let command = try parseSimple("cmd >out 2>>err <in 2>&1 &>all &>>both >|clobber 3<>rw 0<&3 >&- <<<word")
        #expect(wordTexts(command) == ["cmd"])
        let ops = command.redirections.map(\.op)
        #expect(ops == [.output, .append, .input, .duplicateOutput, .outputAndError, .appendOutputAndError, .clobber, .readWrite,
                        .duplicateInput, .duplicateOutput, .hereString])
        #expect(command.redirections.map(\.fileDescriptor) == [nil, 2, nil, 2, nil, nil, nil, 3, 0, nil, nil])
        #expect(command.redirections.map(\.target.staticText) == ["out", "err", "in", "1", "all", "both", "clobber", "rw", "3", "-", "word"])
        #expect(command.redirections[3].duplicatesDescriptor)
        #expect(!command.redirections[0].duplicatesDescriptor)
        #expect(try parseSimple("echo hi>x").redirections.first?.target.staticText == "x")
        #expect(wordTexts(try parseSimple("echo a2>x")) == ["echo", "a2"])
    }

    @Test func heredocBodiesAttachToTheirRedirections() throws {
        let script = try ShellParser.parse("cat <<EOF >out\nline $X\n$(date)\nEOF\necho done")
        #expect(script.items.count == 2)
        guard case .simple(let cat)? = script.items[0].andOr.first.commands.first else {
            Issue.record("no cat")
            return
        }
        let body = try #require(cat.redirections.first?.heredocBody)
        #expect(body.parameterNames == ["X"])
        #expect(body.substitutions.count == 1)
        #expect(cat.redirections[1].target.staticText == "out")

        let quoted = try parseSimple("cat <<'EOF'\n$X `y`\nEOF")
        #expect(quoted.redirections.first?.heredocBody?.staticText == "$X `y`\n")
        let stripped = try parseSimple("cat <<-\"END\"\n\tindented\n\tEND")
        #expect(stripped.redirections.first?.heredocBody?.staticText == "indented\n")

        let two = try parseSimple("paste <<A <<B\none\nA\ntwo\nB")
        #expect(two.redirections.map { $0.heredocBody?.staticText } == ["one\n", "two\n"])
        let inSubstitution = try parseSimple("x=$(cat <<EOF\nhi\nEOF\n)")
        #expect(inSubstitution.assignments.first?.value.substitutions.count == 1)
    }

    @Test func assignmentsPrecedeTheCommand() throws {
        let command = try parseSimple("FOO=1 BAR=\"x y\" A+=z cmd ARG=not")
        #expect(command.assignments.map(\.name) == ["FOO", "BAR", "A"])
        #expect(command.assignments.map(\.appends) == [false, false, true])
        #expect(command.assignments[1].value.staticText == "x y")
        #expect(wordTexts(command) == ["cmd", "ARG=not"])
        let array = try parseSimple("arr=(a \"b c\" $(ls))")
        #expect(array.assignments.first?.arrayValues.count == 3)
        #expect(try parseSimple("EMPTY= cmd").assignments.first?.value.staticText == "")
        #expect(try parseSimple("1A=x").assignments.isEmpty)
    }

    @Test func parameterExpansionsAreRecorded() throws {
        let command = try parseSimple("echo $HOME ${PWD} ${X:-$(id)} ${#Y} ${f%.txt} $1 $@ $? $$ ${!ref}")
        let expansions = command.words.dropFirst().compactMap { word -> ShellParameterExpansion? in
            if case .parameter(let expansion)? = word.parts.first { return expansion }
            return nil
        }
        #expect(expansions.map(\.name) == ["HOME", "PWD", "X", "Y", "f", "1", "@", "?", "$", "ref"])
        #expect(expansions[2].modifier == ":-$(id)")
        #expect(command.words[3].substitutions.count == 1)
        #expect(expansions[3].prefix == "#")
        #expect(expansions[4].modifier == "%.txt")
        #expect(expansions[9].prefix == "!")
        #expect(wordTexts(try parseSimple("echo $ a$ $-")) == ["echo", "$", "a$", nil])
    }

    @Test func globsAndTildesAreVisible() throws {
        let command = try parseSimple("ls *.txt \"*.md\" file?.c [ab] ~/x ~bob/y \"~\"/z")
        #expect(command.words.map(\.hasUnquotedGlob) == [false, true, false, true, true, false, false, false])
        #expect(command.words.map(\.tildePrefix) == [nil, nil, nil, nil, nil, "~", "~bob", nil])
        #expect(try parseSimple("echo {a,b}").words[1].hasUnquotedBrace)
    }

    @Test func arithmeticIsParsed() throws {
        let command = try parseSimple("echo $((1 + $(echo 2))) $(( x * 3 ))")
        guard case .arithmetic(let parts)? = command.words[1].parts.first else {
            Issue.record("not arithmetic")
            return
        }
        #expect(ShellWord(parts).substitutions.count == 1)
        #expect(try parseCompound("(( i++ ))").kind == .arithmetic)
        #expect(try parseCompound("((ls) | wc)").kind == .subshell)
        #expect(try parseSimple("echo $((ls) | wc)").words[1].substitutions.count == 1)
    }

    @Test func compoundCommandsParse() throws {
        let ifClause = try parseCompound("if a; then b; elif c; then d; else e; fi")
        #expect(ifClause.kind == .ifClause(hasElse: true))
        #expect(ifClause.bodies.count == 5)
        #expect(try parseCompound("while read -r l; do echo \"$l\"; done < f").redirections.first?.op == .input)
        #expect(try parseCompound("until false; do :; done").kind == .untilLoop)
        let forLoop = try parseCompound("for f in *.txt a b; do echo $f; done")
        #expect(forLoop.kind == .forLoop(variable: "f", hasList: true))
        #expect(forLoop.words.count == 3)
        #expect(try parseCompound("for x\ndo echo $x\ndone").kind == .forLoop(variable: "x", hasList: false))
        #expect(try parseCompound("for ((i=0; i<3; i++)); do echo $i; done").kind == .arithmeticForLoop)
        let caseClause = try parseCompound("case $1 in\n  a|b) echo ab;;\n  (*) echo other;;\nesac")
        #expect(caseClause.kind == .caseClause(patternCounts: [2, 1]))
        #expect(caseClause.words.count == 4)
        #expect(try parseCompound("case x in y) ;; esac").bodies.count == 1)
        let conditional = try parseCompound("[[ -f x && $y =~ ^(a|b)$ ]]")
        #expect(conditional.kind == .conditional)
        #expect(conditional.words.contains(.literal("&&")))
    }

    @Test func functionDefinitionsParse() throws {
        let script = try ShellParser.parse(":(){ :|:& };:")
        #expect(script.items.count == 2)
        guard case .functionDefinition(let name, let body)? = script.items[0].andOr.first.commands.first else {
            Issue.record("no function")
            return
        }
        #expect(name == ":")
        guard case .compound(let group) = body else {
            Issue.record("body is not a group")
            return
        }
        #expect(group.bodies[0].items.first?.background == true)
        guard case .functionDefinition(let other, _)? = try ShellParser.parse("function greet { echo hi; }").items.first?.andOr.first.commands.first else {
            Issue.record("no function keyword form")
            return
        }
        #expect(other == "greet")
    }

    @Test func lineContinuationsJoinLines() throws {
        #expect(wordTexts(try parseSimple("ls \\\n  -la \\\n  src")) == ["ls", "-la", "src"])
        #expect(wordTexts(try parseSimple("ec\\\nho hi")) == ["echo", "hi"])
    }

    @Test(arguments: [
        "echo 'open", "echo \"open", "echo `open", "echo $(open", "echo ${open", "(ls", "ls )", "if a; then b", "while a; do b",
        "for x in a; do b", "case x in a) b", "{ ls;", "&& ls", "ls ||", "ls |", ";; ls", "fi", "then ls", "cat <(ls", "echo ${}",
        "echo >", "f() ls )", "[[ -f x", "arr=(a b", "$'unterminated", "a=(",
    ])
    func malformedInputIsRejectedWithACode(_ source: String) {
        #expect(throws: ShellParseError.self) { try ShellParser.parse(source) }
        do {
            _ = try ShellParser.parse(source)
        } catch {
            #expect(error.code.hasPrefix("shell."))
            #expect(!error.message.isEmpty)
        }
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "$(", count: 1_000) + String(repeating: ")", count: 1_000)
        #expect(throws: ShellParseError.self) { try ShellParser.parse(deep) }
        #expect(throws: ShellParseError.self) { try ShellParser.parse(String(repeating: "((", count: 2_000)) }
        #expect(throws: ShellParseError.self) { try ShellParser.parse(String(repeating: "if a; then ", count: 500)) }
        #expect(throws: ShellParseError.self) { try ShellParser.parse(String(repeating: "\"$(", count: 500)) }
    }
}
