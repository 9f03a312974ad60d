import Foundation
import Messages
import Testing
import ToolPolicy

/// Replays the shell-parser fuzz corpus (`Fuzz/ShellParserFuzz/corpus`, written by `Fuzz/make_seeds.py`) as unit
/// tests: each seed's name says the verdict (`allow-…`, `ask-…`, `deny-…`), its first byte the job's context as the
/// fuzz target reads it, and every seed must keep the fuzz target's invariants.
@Suite struct ShellParserCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/ShellParserFuzz/corpus")

    static let seedNames: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".sh") }.sorted()

    /// The fuzz target's policies, picked by `(selector >> 3) % 3`.
    static let policies: [ToolPolicy] = {
        var ask = ToolPolicyFile()
        ask.bash = .init(workspaceWork: .ask)
        var strict = ToolPolicyFile()
        strict.bash = .init(readOnlyPrograms: ["bat"], deniedPrograms: ["terraform"], network: .deny)
        return [ToolPolicy(), ToolPolicy(file: ask), ToolPolicy(file: strict)]
    }()

    @Test func corpusHasSeedsOfEveryVerdict() {
        let verdicts = Set(Self.seedNames.compactMap { $0.split(separator: "-").first.map(String.init) })
        #expect(verdicts == ["allow", "ask", "deny"])
        #expect(Self.seedNames.count >= 40)
    }

    @Test(arguments: seedNames)
    func seedMeetsItsExpectation(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        let selector = try #require(bytes.first)
        let command = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let policy = Self.policies[Int(selector >> 3) % Self.policies.count]
        let home: String? = selector & 4 != 0 ? bashHome : nil
        func decide(confined: Bool = selector & 1 != 0, secrets: Bool = selector & 2 != 0) -> PolicyVerdict {
            policy.decide(toolName: "Bash", input: .object(["command": .string(command)]),
                          context: ToolCallContext(workspace: bashWorkspace, home: home, confined: confined, workspaceHoldsSecrets: secrets))
        }
        let verdict = decide()
        let kind = switch verdict {
        case .allow: "allow"
        case .ask: "ask"
        case .deny: "deny"
        }
        #expect(name.hasPrefix(kind + "-"), "\(name): \(verdict)")

        // The fuzz target's invariants.
        let parsed = try? ShellParser.parse(command)
        #expect(parsed == (try? ShellParser.parse(command)))
        switch verdict {
        case .allow: #expect(parsed != nil)
        case .ask(let reason), .deny(let reason): #expect(!reason.isEmpty && reason.count < 2_000)
        }
        let unparseable = if case .deny(let reason) = verdict { reason.hasPrefix("the command could not be parsed safely") } else { false }
        if parsed != nil { #expect(!unparseable, "\(name)") }
        if parsed == nil && !command.unicodeScalars.contains("\0") { #expect(unparseable, "\(name)") }
        #expect(decide() == verdict)
        func rank(_ verdict: PolicyVerdict) -> Int {
            switch verdict {
            case .allow: 0
            case .ask: 1
            case .deny: 2
            }
        }
        #expect(rank(decide(confined: false)) >= rank(decide(confined: true)))
        #expect(rank(decide(secrets: true)) >= rank(decide(secrets: false)))
        let paths = BashPolicy.staticPaths(command: command, workspace: bashWorkspace, home: home)
        #expect((paths.paths + paths.patterns).allSatisfy { $0.hasPrefix("/") })
        if parsed == nil { #expect(paths.hasUnknownTargets) }
    }
}
