import Foundation
import Subprocess

/// Runs one read-only git command for `/git` the way no repository can turn into running a program: none of the
/// executor's environment, no system or global config, and every key that can name a program overridden above the
/// repository's own config (`GIT_CONFIG_COUNT` ranks above every config file, and carries names with any
/// characters, which `-c` would split at `=`). Keys whose names the repository chooses — filter and diff drivers —
/// are listed from its config first (`driverOverrides`) and blanked by name. Bounded in time and output.
struct InertGitRunner: Sendable {
    /// The executor's PATH, to find git.
    var searchPath: String
    var timeout: Duration = .seconds(10)
    /// Output kept; past it git is stopped and the output marked cut.
    var outputLimit = 1 << 20

    struct Output: Sendable, Equatable {
        var text: String
        var exitCode: Int32?
        var cut: Bool
        var timedOut: Bool

        var succeeded: Bool { exitCode == 0 && !timedOut }
    }

    /// Keys that can run a program during status, diff, show, log or branch, on top of the ones every git the CLI
    /// starts gets (`InertGit`), with values that run nothing.
    static let readOnlyOverrides: [(key: String, value: String)] = InertGit.overrides + [
        ("diff.external", ""),
        ("log.showSignature", "false"),
        ("core.attributesFile", "/dev/null"),
        ("protocol.allow", "never"),
        ("status.submoduleSummary", "false"),
        ("diff.ignoreSubmodules", "all"),
        ("column.ui", "never"),
    ]

    /// Config names (in the repository's config, its includes followed) that name a program: filter drivers'
    /// `clean`, `smudge` and `process`, diff drivers' `command` and `textconv`.
    static let driverKeyPattern = #"^(filter\..*\.(clean|smudge|process|required)|diff\..*\.(command|textconv))$"#

    /// The environment git runs with: only what is set here.
    func environment(ceiling: String, overrides extra: [(key: String, value: String)]) -> [String: String] {
        let overrides = Self.readOnlyOverrides + extra
        var variables = [
            "PATH": searchPath, "HOME": "/nonexistent", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_ATTR_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "PAGER": "cat",
            // Never a repository above the person's own root.
            "GIT_CEILING_DIRECTORIES": ceiling,
            "GIT_CONFIG_COUNT": String(overrides.count),
        ]
        for (index, override) in overrides.enumerated() {
            variables["GIT_CONFIG_KEY_\(index)"] = override.key
            variables["GIT_CONFIG_VALUE_\(index)"] = override.value
        }
        return variables
    }

    /// The repository's driver keys, each blanked (`required` set false so a blank filter is no error).
    func driverOverrides(in directory: String, ceiling: String) async -> [(key: String, value: String)] {
        let listed = await run(["config", "--name-only", "--get-regexp", Self.driverKeyPattern], in: directory, ceiling: ceiling, overrides: [])
        return listed.text.split(separator: "\n").map { name in
            (String(name), name.hasSuffix(".required") ? "false" : "")
        }
    }

    /// Runs `git --no-pager <arguments>` in `directory`.
    func run(
        _ arguments: [String], in directory: String, ceiling: String, overrides: [(key: String, value: String)]
    ) async -> Output {
        let environment = environment(ceiling: ceiling, overrides: overrides)
        let limit = outputLimit
        let timeout = timeout
        do {
            let execution = try await Subprocess.run(
                .name("git"), arguments: Arguments(["--no-pager"] + arguments),
                environment: .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { key, value in
                    Environment.Key(rawValue: key).map { ($0, value) }
                })),
                workingDirectory: .init(directory), input: .none, output: .sequence, error: .discarded
            ) { execution in
                await withTaskGroup(of: (Data, cut: Bool)?.self) { group in
                    group.addTask {
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return nil }
                        try? execution.send(signal: .kill)
                        return nil
                    }
                    group.addTask {
                        var kept = Data()
                        var cut = false
                        do {
                            for try await chunk in execution.standardOutput {
                                chunk.withUnsafeBytes { kept.append(contentsOf: $0.prefix(limit + 1 - kept.count)) }
                                if kept.count > limit {
                                    cut = true
                                    try? execution.send(signal: .kill)
                                    break
                                }
                            }
                        } catch {}
                        return (kept.prefix(limit), cut)
                    }
                    var read: (Data, cut: Bool)?
                    while let next = await group.next() {
                        if let next {
                            read = next
                            group.cancelAll()
                        }
                    }
                    return read ?? (Data(), false)
                }
            }
            let (data, cut) = execution.closureResult
            let exitCode: Int32? = if case .exited(let code) = execution.terminationStatus { code } else { nil }
            return Output(
                text: String(decoding: data, as: UTF8.self), exitCode: exitCode, cut: cut, timedOut: exitCode == nil && !cut)
        } catch {
            return Output(text: "", exitCode: nil, cut: false, timedOut: false)
        }
    }
}
