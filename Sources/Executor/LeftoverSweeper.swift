import Foundation
import Logging

/// Kills what a previous life of this executor left running. Every CLI the executor starts carries
/// `GATEHOUSE_EXECUTOR=<executor id>` in its environment (and so does every tool process it starts); when an executor
/// is killed outright, those processes are orphaned and would go on working for a job the guard has already marked
/// interrupted. On start, before registering, the executor finds them by that marker and kills them.
enum LeftoverSweeper {
    static let marker = "GATEHOUSE_EXECUTOR"

    /// - Returns: the pids that were killed.
    @discardableResult
    static func killLeftovers(executorId: String, logger: Logger) -> [Int32] {
        let needle = Data("\(marker)=\(executorId)".utf8)
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
                "executor.id": "\(executorId)", "count": "\(killed.count)",
            ])
        }
        return killed
    }
}
