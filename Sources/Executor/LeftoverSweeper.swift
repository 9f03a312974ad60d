import Foundation
import Logging

/// Kills what a previous life of this executor left running. Every CLI the executor starts carries
/// `GATEHOUSE_EXECUTOR=<marker>` in its environment (and so does every tool process it starts); when an executor is
/// killed outright, those processes are orphaned and would go on working for a job the guard has already marked
/// interrupted. On start, before registering, the executor finds them by that marker and kills them. The marker names
/// this installation, not only the executor id: another Gatehouse on the same host (other guard, other approved
/// directory) may use the same executor id, and its processes are not ours to kill.
enum LeftoverSweeper {
    static let variable = "GATEHOUSE_EXECUTOR"

    /// `<executor id>@<digest of guard endpoint and approved directory>`: the same across restarts of this executor.
    static func marker(executorId: String, guardEndpoint: String, approvedDirectory: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs, unlike Hasher
        for byte in (guardEndpoint + "\u{0}" + approvedDirectory).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return "\(executorId)@\(String(hash, radix: 16))"
    }

    /// - Returns: the pids that were killed.
    @discardableResult
    static func killLeftovers(marker: String, logger: Logger) -> [Int32] {
        let needle = Data("\(variable)=\(marker)".utf8)
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var killed: [Int32] = []
        for pid in entries.compactMap(Int32.init) where pid != me {
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            // Entries are NUL-separated; match a whole entry.
            let matches = environment.split(separator: 0).contains { $0.elementsEqual(needle) }
            if matches, kill(pid, SIGKILL) == 0 { killed.append(pid) }
        }
        if !killed.isEmpty {
            logger.warning("killed processes left by a previous run of this executor", metadata: [
                "marker": "\(marker)", "count": "\(killed.count)",
            ])
        }
        return killed
    }
}
