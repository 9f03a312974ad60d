import Foundation
import TestSupport
import Testing
@testable import Validation

/// One line of a corpus file in `Corpus/` (JSON lines, written by a generator so invisible characters stay
/// escaped and reviewable). `expect` is a refusal code or `ok`.
struct CorpusCase: Sendable, CustomStringConvertible {
    let file: String
    let line: Int
    let fields: [String: CorpusValue]

    enum CorpusValue: Sendable {
        case string(String)
        case int(Int)
        case null
        case parts([(String, Int)])
    }

    var expect: String { string("expect") ?? "" }
    var isGood: Bool { expect == "ok" }

    func string(_ key: String) -> String? {
        if case .string(let value) = fields[key] { return value }
        return nil
    }

    func int(_ key: String) -> Int? {
        if case .int(let value) = fields[key] { return value }
        return nil
    }

    /// `input`, or `generate`: a list of [unit, count] pairs concatenated, for inputs too long to write out.
    func text(_ key: String = "input") -> String? {
        if let value = string(key) { return value }
        guard key == "input" || key == "name", case .parts(let parts) = fields["generate"] else { return nil }
        return parts.map { String(repeating: $0.0, count: $0.1) }.joined()
    }

    var description: String { "\(file):\(line) (\(string("note") ?? ""))" }

    static func load(_ name: String) throws -> [CorpusCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Corpus").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var cases: [CorpusCase] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            var fields: [String: CorpusValue] = [:]
            for (key, value) in object {
                switch value {
                case let string as String: fields[key] = .string(string)
                case let number as NSNumber: fields[key] = .int(number.intValue)
                case let array as [[Any]]:
                    fields[key] = .parts(array.compactMap { pair in
                        guard pair.count == 2, let unit = pair[0] as? String, let count = pair[1] as? Int else {
                            return nil
                        }
                        return (unit, count)
                    })
                default: fields[key] = .null
                }
            }
            cases.append(CorpusCase(file: name, line: index + 1, fields: fields))
        }
        return cases
    }
}

/// The longest run of consecutive characters (Unicode scalars) that `reason` shares with `input`.
func longestSharedRun(_ reason: String, _ input: String) -> Int {
    let a = Array(reason.unicodeScalars)
    let b = Array(input.unicodeScalars)
    guard !a.isEmpty, !b.isEmpty else { return 0 }
    var previous = [Int](repeating: 0, count: b.count + 1)
    var best = 0
    for i in 1...a.count {
        var current = [Int](repeating: 0, count: b.count + 1)
        for j in 1...b.count where a[i - 1] == b[j - 1] {
            current[j] = previous[j - 1] + 1
            best = max(best, current[j])
        }
        previous = current
    }
    return best
}

/// What every refusal must satisfy, whatever the input.
func expectWellFormed(_ refusal: Refusal, input: String, _ context: CustomStringConvertible,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!refusal.reason.isEmpty, "empty reason for \(context)", sourceLocation: sourceLocation)
    let shared = longestSharedRun(refusal.reason, input)
    #expect(shared <= 40, "reason echoes \(shared) characters of the input for \(context)",
            sourceLocation: sourceLocation)
}

@Suite struct PathValidatorTests {
    static let root = "/srv/projects"
    let validator = PathValidator(approvedRoot: PathValidatorTests.root)

    @Test func everyCorpusPathGetsItsExpectedOutcome() throws {
        let cases = try CorpusCase.load("paths.jsonl")
        for item in cases {
            let input = try #require(item.text(), "no input in \(item)")
            let outcome = validator.resolve(input, from: item.string("cwd") ?? "")
            switch outcome {
            case .success(let path):
                #expect(item.isGood, "accepted \(item) as \(path.debugDescription), expected \(item.expect)")
                if let expected = item.text("result") {
                    // Byte comparison: `==` on String would hide a change of normalisation form.
                    #expect(Array(path.utf8) == Array(expected.utf8), "wrong result for \(item): \(path.debugDescription)")
                }
            case .failure(let refusal):
                #expect(refusal.code.rawValue == item.expect, "\(item): got \(refusal)")
                expectWellFormed(refusal, input: input, item)
            }
        }
    }

    @Test func corpusIsLargeAndCoversEveryPathCode() throws {
        let cases = try CorpusCase.load("paths.jsonl") + CorpusCase.load("names.jsonl")
            + CorpusCase.load("uploads.jsonl")
        #expect(cases.filter { !$0.isGood }.count >= 300)
        #expect(cases.filter(\.isGood).count >= 60)
        let pathCodes = Set(try CorpusCase.load("paths.jsonl").map(\.expect))
        for code in ["traversal", "home_expansion", "variable_expansion", "command_substitution",
                     "shell_metacharacter", "control_character", "encoded_traversal", "lookalike_character",
                     "backslash", "name_too_long", "path_too_long", "empty", "absolute_outside", "ok"] {
            #expect(pathCodes.contains(code), "no path case for \(code)")
        }
    }

    @Test func resultsAreRelativeToTheRootAndClimbingStaysWithinIt() {
        #expect(validator.resolve("a/b/../c", from: "") == .success("a/c"))
        #expect(validator.resolve("..", from: "a/b") == .success("a"))
        #expect(validator.resolve("../..", from: "a/b") == .success(""))
        #expect(validator.resolve("../../..", from: "a/b").refusalCode == .traversal)
        #expect(validator.resolve("/srv/projects/x/y", from: "a") == .success("x/y"))
    }

    @Test func climbingAboveTheRootIsRefusedEvenWhenThePathComesBack() {
        #expect(validator.resolve("../projects/a", from: "").refusalCode == .traversal)
        #expect(validator.resolve("/srv/projects/../projects/a", from: "").refusalCode == .traversal)
    }

    @Test func aSiblingDirectorySharingTheRootsPrefixIsOutside() {
        #expect(validator.resolve("/srv/projects-evil/x", from: "").refusalCode == .absoluteOutside)
        #expect(validator.resolve("/srv/projectsx", from: "").refusalCode == .absoluteOutside)
    }

    @Test func aTrailingSlashOnTheRootChangesNothing() {
        let slashed = PathValidator(approvedRoot: "/srv/projects/")
        #expect(slashed.resolve("/srv/projects/a", from: "") == .success("a"))
        #expect(slashed.resolve("/srv/projectsa", from: "").refusalCode == .absoluteOutside)
    }

    @Test func withTheFileSystemRootAsRootAnyAbsolutePathIsInside() {
        let everything = PathValidator(approvedRoot: "/")
        #expect(everything.resolve("/etc/hosts", from: "") == .success("etc/hosts"))
        #expect(everything.resolve("/..", from: "").refusalCode == .traversal)
    }

    @Test func aSeparatorFusedWithACombiningMarkStillSeparates() {
        // As Characters, "/" + U+0301 is one grapheme and not "/"; the kernel still splits on the byte.
        let input = "../\u{301}x"
        #expect(validator.resolve(input, from: "").refusalCode == .traversal)
        #expect(validator.resolve("a/\u{301}x", from: "") == .success("a/\u{301}x"))
    }

    @Test func decomposedAccentsKeepTheirBytes() throws {
        let decomposed = "re\u{301}sume\u{301}.md"
        let path = try validator.resolve(decomposed, from: "").get()
        #expect(Array(path.utf8) == Array(decomposed.utf8))
    }

    @Test func theCombinedLengthWithTheCurrentFolderIsLimited() {
        let deep = Array(repeating: String(repeating: "d", count: 200), count: 19).joined(separator: "/")
        #expect((try? validator.resolve("x", from: deep).get()) != nil)
        let long = String(repeating: "e", count: 250) + "/" + String(repeating: "f", count: 250)
        #expect(validator.resolve(long, from: deep).refusalCode == .pathTooLong)
    }

    @Test func anInvalidCurrentFolderIsReportedAsSuch() {
        let outcome = validator.resolve("a", from: "../elsewhere")
        #expect(outcome.refusalCode == .currentDirectoryInvalid)
    }

    @Test func reasonsQuoteAtMostAShortExcerpt() throws {
        let refusal = try #require(validator.resolve("con.txt", from: "").refusal)
        #expect(refusal.code == .reservedName)
        #expect(refusal.reason.contains("“con”"))
        let escape = try #require(validator.resolve("a%2e" + String(repeating: "b", count: 100), from: "").refusal)
        #expect(escape.reason.contains("%2e"))
        #expect(longestSharedRun(escape.reason, "a%2e" + String(repeating: "b", count: 100)) < 10)
    }

    @Test func refusalDescriptionCarriesTheCode() throws {
        let refusal = try #require(validator.resolve("~", from: "").refusal)
        #expect(refusal.description.hasPrefix("home_expansion: "))
    }

    /// Random mixes of the dangerous pieces: whatever is accepted must be a clean relative path that resolves to
    /// itself, and whatever is refused must carry a well-formed reason.
    @Test func randomMixesOfDangerousPiecesKeepTheInvariants() {
        let pieces = ["a", "b", "é", "e\u{301}", "/", "/", ".", "..", "../", "~", "$", "(", ")", "`", ";", "%", "2e",
                      "2f", "\\", "\u{202E}", "．", "∕", " ", "-", "CON", "\u{0}", ":", "$DATA", "\n", "日", "🚀",
                      "/srv/projects", "/srv", "projects", "\u{200D}", "%c0%ae", "*"]
        var generator = SplitMix64(seed: 0x5eed_1234)
        for _ in 0..<5000 {
            var input = ""
            for _ in 0..<Int(generator.next() % 12) {
                input += pieces[Int(generator.next() % UInt64(pieces.count))]
            }
            let cwd = generator.next() % 3 == 0 ? "app/src" : ""
            switch validator.resolve(input, from: cwd) {
            case .success(let path):
                let components = path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
                    .map { String(String.UnicodeScalarView($0)) }
                #expect(path.isEmpty || !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
                        "unclean result \(path.debugDescription) from \(input.debugDescription)")
                #expect(validator.resolve(path.isEmpty ? "." : path, from: "") == .success(path),
                        "result \(path.debugDescription) does not resolve to itself")
            case .failure(let refusal):
                expectWellFormed(refusal, input: input, input.debugDescription)
            }
        }
    }
}

extension Result where Failure == Refusal {
    var refusal: Refusal? {
        if case .failure(let refusal) = self { return refusal }
        return nil
    }

    var refusalCode: Refusal.Code? { refusal?.code }
}
