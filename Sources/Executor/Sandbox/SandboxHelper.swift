import Foundation
import Subprocess

/// Finds and asks `gatehouse-confine` (Sources/Confine) at the executor's start.
enum SandboxHelper {
    static let name = "gatehouse-confine"

    /// `gatehouse-confine` in the directory of the running executable (as installed: next to `gatehouse`).
    static func defaultPath() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? name
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The executor's confinement as configured, checked: the helper exists and the kernel offers Landlock.
    static func status(for settings: ExecutorConfiguration.Sandbox) async throws -> SandboxStatus {
        guard settings.mode == .landlock else { return .off }
        let helper = settings.helperPath ?? defaultPath()
        guard helper.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: helper) else {
            throw SandboxUnavailable(reason: "no executable \(name) at \(helper) (install it next to gatehouse, or set SANDBOX_HELPER_PATH)")
        }
        return .landlock(abi: try await probe(helper), helper: helper)
    }

    /// The Landlock ABI the kernel offers, as `gatehouse-confine --probe` reports it.
    static func probe(_ helper: String) async throws -> Int {
        let succeeded: Bool
        let answer: String
        do {
            let result = try await Subprocess.run(
                .path(.init(helper)), arguments: ["--probe"], environment: .custom([:]),
                output: .string(limit: 64), error: .discarded)
            succeeded = result.terminationStatus.isSuccess
            answer = result.standardOutput
        } catch {
            throw SandboxUnavailable(reason: "\(helper) --probe could not run: \(error)")
        }
        let abi = Int(answer.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard succeeded, abi > 0 else {
            throw SandboxUnavailable(reason: "the kernel offers no Landlock (\(helper) --probe answered \(abi); Linux 5.13+ with Landlock in the LSM list, and a seccomp profile that allows its syscalls)")
        }
        return abi
    }
}
