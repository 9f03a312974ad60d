import Messages
import ToolPolicy

// libFuzzer entry point for the shell grammar and the Bash rules (module ToolPolicy, built by `Fuzz/run.sh shell`).
//
// Input layout: the first byte picks the job's context, the rest is the command (UTF-8; invalid bytes become U+FFFD).
//   bit 0: the CLI is confined by the kernel        bit 1: the workspace holds secret files
//   bit 2: HOME is known                             (byte >> 3) % 3: the policy file — 0 default,
//                                                    1 `bash.workspaceWork: ask`, 2 `bash.network: deny` with extras
// Seeds in `corpus/` start with an ASCII digit ('0'…'7': the default policy, '8'/'9': workspaceWork ask).
// Besides crashes, a broken invariant traps, so libFuzzer saves the input:
//   - every deny and ask reason is non-empty and short; only a command that parses is allowed; a command that
//     parses is decided (never refused as unparseable at the top), one that does not is refused as such;
//   - parsing and deciding twice give the same script and verdict (nothing depends on hidden state);
//   - confinement only removes questions, secrets in the workspace only add them: the verdict when not confined
//     (or with secrets) is never more permissive than when confined (or without);
//   - `BashPolicy.staticPaths` lists absolute paths only, at most 256, and flags an unparseable command as unknown.

private let workspace = "/srv/work/project"
private let policies: [ToolPolicy] = {
    var ask = ToolPolicyFile()
    ask.bash = .init(workspaceWork: .ask)
    var strict = ToolPolicyFile()
    strict.bash = .init(readOnlyPrograms: ["bat"], deniedPrograms: ["terraform"], network: .deny)
    return [ToolPolicy(), ToolPolicy(file: ask), ToolPolicy(file: strict)]
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let command = String(decoding: bytes.dropFirst(), as: UTF8.self)
    let policy = policies[Int(selector >> 3) % policies.count]
    func context(confined: Bool = selector & 1 != 0, secrets: Bool = selector & 2 != 0) -> ToolCallContext {
        ToolCallContext(workspace: workspace, home: selector & 4 != 0 ? "/home/claude" : nil, confined: confined,
                        workspaceHoldsSecrets: secrets)
    }
    func decide(_ context: ToolCallContext) -> PolicyVerdict {
        policy.decide(toolName: "Bash", input: .object(["command": .string(command)]), context: context)
    }

    let parsed: ShellScript?
    do {
        parsed = try ShellParser.parse(command)
    } catch {
        guard !error.code.isEmpty, !error.message.isEmpty, error.offset >= 0, error.offset <= command.utf8.count else {
            fatalError("a parse error without a code, message or place")
        }
        parsed = nil
    }
    if let parsed, (try? ShellParser.parse(command)) != parsed { fatalError("parsing twice gave different scripts") }

    let verdict = decide(context())
    switch verdict {
    case .allow:
        guard parsed != nil else { fatalError("allowed a command that does not parse") }
    case .ask(let reason), .deny(let reason):
        guard !reason.isEmpty, reason.count < 2_000 else { fatalError("a reason that is empty or too long") }
    }
    let refusedAsUnparseable: Bool
    if case .deny(let reason) = verdict { refusedAsUnparseable = reason.hasPrefix("the command could not be parsed safely") } else {
        refusedAsUnparseable = false
    }
    if parsed != nil && refusedAsUnparseable { fatalError("a command that parses was refused as unparseable") }
    // By scalars: a NUL followed by a combining mark is one Character that is not "\0".
    if parsed == nil, command.utf8.count <= 100_000, !command.unicodeScalars.contains("\0"), !refusedAsUnparseable {
        fatalError("a command that does not parse was not refused as such")
    }
    guard decide(context()) == verdict else { fatalError("deciding twice gave different verdicts") }

    func rank(_ verdict: PolicyVerdict) -> Int {
        switch verdict {
        case .allow: 0
        case .ask: 1
        case .deny: 2
        }
    }
    if rank(decide(context(confined: false))) < rank(decide(context(confined: true))) {
        fatalError("not confined is more permissive than confined")
    }
    if rank(decide(context(secrets: true))) < rank(decide(context(secrets: false))) {
        fatalError("secrets in the workspace made the verdict more permissive")
    }

    let paths = BashPolicy.staticPaths(command: command, workspace: workspace, home: selector & 4 != 0 ? "/home/claude" : nil)
    guard (paths.paths + paths.patterns).allSatisfy({ $0.hasPrefix("/") }), paths.paths.count + paths.patterns.count <= 256 else {
        fatalError("static paths that are not absolute, or too many")
    }
    if parsed == nil && !paths.hasUnknownTargets { fatalError("an unparseable command's targets were called known") }
    return 0
}
