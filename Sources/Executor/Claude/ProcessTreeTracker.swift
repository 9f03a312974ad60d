#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Remembers every descendant of one CLI process ever seen, so that after the CLI is gone its orphans (tool shells
/// started with setsid, re-parented to the subreaper or to init) can still be found, killed and reaped.
final class ProcessTreeTracker: Sendable {
    let root: ProcessIdentity?
    private let known = Mutex<Set<ProcessIdentity>>([])

    init(rootPid: Int32) {
        root = ProcessTable.readStat(pid: rootPid).map { ProcessIdentity(pid: rootPid, startTime: $0.startTime) }
    }

    /// Adds the current descendants of the root and of every known process still alive.
    @discardableResult
    func refresh() -> ProcessTable {
        let table = ProcessTable.read()
        known.withLock { known in
            var queue: [Int32] = known.filter { table.isAlive($0) }.map(\.pid)
            if let root, table.isAlive(root) { queue.append(root.pid) }
            var seen = Set(queue)
            while let pid = queue.popLast() {
                for child in table.children(of: pid) where !seen.contains(child) {
                    guard let entry = table.entries[child] else { continue }
                    seen.insert(child)
                    known.insert(ProcessIdentity(pid: child, startTime: entry.startTime))
                    queue.append(child)
                }
            }
        }
        return table
    }

    var rootIsAlive: Bool {
        guard let root else { return false }
        guard let entry = ProcessTable.readStat(pid: root.pid) else { return false }
        return entry.startTime == root.startTime && !entry.isZombie
    }

    /// Descendants (not the root) still alive, by a fresh look at /proc.
    func liveDescendants() -> [ProcessIdentity] {
        let table = refresh()
        return known.withLock { $0.filter { table.isAlive($0) } }
    }

    /// SIGKILLs every live tracked descendant and reaps those re-parented to us, until none is left or the deadline.
    /// Returns how many were killed. Never reaps the root: Subprocess waits for that one.
    func killDescendants(deadline: ContinuousClock.Instant) async -> Int {
        // No descendant ever seen and the root gone: a scan of /proc could not find any (it follows the tree from
        // live processes we know), so spare it; most runs end this way.
        if known.withLock({ $0.isEmpty }) && !rootIsAlive { return 0 }
        var killed = Set<ProcessIdentity>()
        while true {
            let table = refresh()
            let tracked = known.withLock { $0 }
            let alive = tracked.filter { table.isAlive($0) }
            for identity in alive {
                kill(identity.pid, SIGKILL)
                killed.insert(identity)
            }
            reapAdopted(tracked, table: table)
            let zombiesOfOurs = tracked.contains { identity in
                guard let entry = table.entries[identity.pid] else { return false }
                return entry.startTime == identity.startTime && entry.isZombie && entry.parent == getpid()
            }
            if alive.isEmpty && !zombiesOfOurs { break }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return killed.count
    }

    /// waitpid for tracked processes whose parent is now this process (orphans adopted as subreaper).
    private func reapAdopted(_ tracked: Set<ProcessIdentity>, table: ProcessTable) {
        let me = getpid()
        for identity in tracked where identity.pid != root?.pid {
            guard let entry = table.entries[identity.pid], entry.startTime == identity.startTime,
                  entry.parent == me else { continue }
            var status: Int32 = 0
            _ = waitpid(identity.pid, &status, WNOHANG)
        }
    }
}
