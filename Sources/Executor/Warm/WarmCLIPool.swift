import Foundation
import Logging
import Messages

/// The executor's warm CLIs (`WARM_CLI_POOL`, `WARM_CLI_SECONDS`): which to start, and which job gets one.
/// A warm CLI for a person's next prompt is started once both are known: how the guard would start that prompt
/// (`JobResultAck.nextLaunch`, after it committed the answer) and that the previous CLI is gone (its transcript
/// complete). The decisions are `WarmPoolBook`'s; this actor holds the processes.
actor WarmCLIPool {
    private var book: WarmPoolBook
    private var clis: [String: WarmCLI] = [:]
    /// Next launches heard for jobs whose CLI is still exiting, and jobs whose CLI is gone before their hint came.
    private var hinted: [String: WarmLaunch] = [:]
    private var ended: [String] = []
    private let claudeHome: String
    private let approvedDirectory: String
    private let logger: Logger
    private static let rememberedJobs = 64

    init(configuration: ExecutorConfiguration, logger: Logger) {
        book = WarmPoolBook(capacity: configuration.warmPool, windowMs: Int64(configuration.warmWindow.components.seconds) * 1_000)
        claudeHome = configuration.claude.home
        approvedDirectory = configuration.approvedDirectory
        self.logger = logger
    }

    /// The guard said how `jobId`'s person would start their next prompt: returns it if a warm CLI should start now.
    func heard(_ launch: WarmLaunch, after jobId: String) -> WarmLaunch? {
        guard book.isEnabled, book.wants(launch) else { return nil }
        if let index = ended.firstIndex(of: jobId) {
            ended.remove(at: index)
            return launch
        }
        hinted[jobId] = launch
        if hinted.count > Self.rememberedJobs, let any = hinted.keys.first { hinted[any] = nil }
        return nil
    }

    /// `jobId`'s CLI is gone: returns its person's next launch if one was heard and a warm CLI should start now.
    func jobEnded(_ jobId: String) -> WarmLaunch? {
        guard book.isEnabled else { return nil }
        if let launch = hinted.removeValue(forKey: jobId) { return book.wants(launch) ? launch : nil }
        ended.append(jobId)
        if ended.count > Self.rememberedJobs { ended.removeFirst() }
        return nil
    }

    /// A warm CLI has been started: kept, replacing the person's earlier one and the oldest beyond capacity.
    func add(_ cli: WarmCLI) {
        let now = Date().epochMillis
        clis[cli.id] = cli
        drop(book.expire(now: now) + book.add(id: cli.id, launch: cli.launch, now: now))
    }

    /// A warm CLI ended by itself (it waited its window out, or died).
    func ended(warmId: String) {
        book.remove(id: warmId)
        clis[warmId] = nil
    }

    /// The warm CLI for this job, if there is one started for exactly its launch and nothing it read has changed;
    /// any other of its person's is stopped.
    func claim(for job: JobAssignment) -> WarmCLI? {
        guard book.isEnabled else { return nil }
        let decision = book.claim(userId: job.userId, launch: WarmLaunch(job), now: Date().epochMillis) { entry in
            guard let cli = clis[entry.id] else { return "it has ended" }
            let now = WorkspaceFingerprint(workspace: cli.workspace, approvedDirectory: approvedDirectory, home: claudeHome)
            let changed = now.changes(since: cli.fingerprint)
            return changed.isEmpty ? nil : "what the CLI read at its start changed: " + changed.prefix(3).joined(separator: ", ")
        }
        switch decision {
        case .use(let id):
            guard let cli = clis.removeValue(forKey: id) else { return nil }
            logger.info("using a warm Claude CLI", metadata: ["job.id": "\(job.jobId)", "warm.id": "\(id)"])
            return cli
        case .none(let discarded):
            drop(discarded)
            return nil
        }
    }

    /// Every warm CLI is stopped (the executor is draining).
    func stopAll() {
        drop(book.removeAll())
    }

    private func drop(_ discarded: [WarmPoolBook.Discard]) {
        for discard in discarded {
            guard let cli = clis.removeValue(forKey: discard.id) else { continue }
            logger.info("stopping a warm Claude CLI", metadata: ["warm.id": "\(discard.id)", "reason": "\(discard.reason)"])
            cli.drop()
        }
    }
}
