import Foundation
import Messages
import Synchronization

/// A Claude Code CLI started ahead of a person's next prompt: running, its tool-screening hook registered, idle
/// on stdin. Everything that belongs to a job — the prompt, the guard's decisions, progress, the result, Claude's
/// `send_file` — is bound only when a job claims it; until then it is told nothing and may do nothing (a tool
/// question before a claim is denied).
final class WarmCLI: Sendable {
    /// What a claiming job brings: the same callbacks a cold run is started with.
    struct Binding: Sendable {
        var release: @Sendable () async -> ClaudePromptRelease
        var onCompleted: @Sendable (ClaudeOutcome) async -> Void
        var onEvent: @Sendable (ClaudeEvent) async -> Void
        var decide: @Sendable (ClaudePermissionQuestion) async -> ClaudePermissionAnswer
        var sendFile: @Sendable (String) async -> Result<String, SendFileRefusal>
    }

    private enum Phase {
        /// Events seen before the claim (the CLI's start-up), replayed to the job.
        case waiting(CheckedContinuation<Binding?, Never>?, early: [ClaudeEvent])
        case claimed(Binding)
        case dropped
    }

    let id: String
    let launch: WarmLaunch
    /// Absolute path of the workspace it runs in.
    let workspace: String
    /// What it read at its start, as stamped just before.
    let fingerprint: WorkspaceFingerprint
    let cancellation = ClaudeCancellation()
    private let phase = Mutex<Phase>(.waiting(nil, early: []))
    private let promptWritten = Atomic<Bool>(false)
    /// The run's outcome once it has ended (nil inside: it could not be started), and who waits for it meanwhile.
    private let ending = Mutex<(outcome: ClaudeOutcome??, waiters: [CheckedContinuation<ClaudeOutcome?, Never>])>((nil, []))
    /// Hands what the CLI holds for its job (the proxy credential) to the job that claims it.
    private let adopt = Mutex<(@Sendable (_ jobId: String) -> Void)?>(nil)

    /// Start-up events kept for the job at most (the CLI prints a handful).
    private static let earlyEventLimit = 64

    init(id: String, launch: WarmLaunch, workspace: String, fingerprint: WorkspaceFingerprint) {
        self.id = id
        self.launch = launch
        self.workspace = workspace
        self.fingerprint = fingerprint
    }

    /// Starts the CLI as a child of `work` (the executor's): `body` runs it with the callbacks given
    /// (`ClaudeRunner.run`) and returns its outcome, nil if it could not be started; `adopt` gives what it holds to
    /// the job that claims it; `ended` is called once it is gone.
    func start(
        in work: ChildTasks,
        _ body: @escaping @Sendable (_ callbacks: Binding) async -> ClaudeOutcome?,
        adopt: @escaping @Sendable (_ jobId: String) -> Void, ended: @escaping @Sendable () async -> Void
    ) async {
        self.adopt.withLock { $0 = adopt }
        let callbacks = Binding(
            release: { [self] in await self.waitForClaim() },
            onCompleted: { [self] outcome in await self.claimed?.onCompleted(outcome) },
            onEvent: { [self] event in await self.hear(event) },
            decide: { [self] question in
                guard let claimed else { return .deny(message: "No prompt has been given yet.") }
                return await claimed.decide(question)
            },
            sendFile: { [self] path in
                guard let claimed else { return .failure(SendFileRefusal(reason: "No prompt has been given yet.")) }
                return await claimed.sendFile(path)
            })
        let started = work.spawn { [self] in
            let outcome = await body(callbacks)
            await ended()
            self.end(with: outcome)
        }
        if !started {
            await ended()
            end(with: nil)
        }
    }

    private func end(with outcome: ClaudeOutcome?) {
        let waiters = ending.withLock { ending in
            ending.outcome = .some(outcome)
            defer { ending.waiters.removeAll() }
            return ending.waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    /// Binds the CLI to a job; cancelling the job's `cancellation` stops it. False when it is no longer available
    /// (dropped, or ended by itself).
    func claim(_ binding: Binding, jobId: String, cancellation jobCancellation: ClaudeCancellation) async -> Bool {
        let taken: (CheckedContinuation<Binding?, Never>?, [ClaudeEvent])? = phase.withLock { phase in
            guard case .waiting(let waiter, let early) = phase else { return nil }
            phase = .claimed(binding)
            return (waiter, early)
        }
        guard let (waiter, early) = taken else { return false }
        adopt.withLock { $0 }?(jobId)
        jobCancellation.propagate(to: cancellation)
        for event in early { await binding.onEvent(event) }
        waiter?.resume(returning: binding)
        return true
    }

    /// Stops it unused: its stdin ends without a prompt and the run is cancelled.
    func drop() {
        let waiter: CheckedContinuation<Binding?, Never>?? = phase.withLock { phase in
            guard case .waiting(let waiter, _) = phase else { return nil }
            phase = .dropped
            return .some(waiter)
        }
        guard let waiter else { return }
        waiter?.resume(returning: nil)
        cancellation.cancel()
    }

    /// How the claimed run ended; nil if the CLI never got a prompt (it died first, or could not start), so the
    /// job has to start one itself.
    func outcome() async -> ClaudeOutcome? {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<ClaudeOutcome?, Never>) in
            let ended: ClaudeOutcome?? = ending.withLock { ending in
                if let outcome = ending.outcome { return outcome }
                ending.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
        return promptWritten.load(ordering: .acquiring) ? outcome : nil
    }

    private var claimed: Binding? {
        phase.withLock { if case .claimed(let binding) = $0 { binding } else { nil } }
    }

    private func waitForClaim() async -> ClaudePromptRelease {
        let binding = await withCheckedContinuation { (continuation: CheckedContinuation<Binding?, Never>) in
            let ready: Binding?? = phase.withLock { phase in
                switch phase {
                case .waiting(_, let early):
                    phase = .waiting(continuation, early: early)
                    return nil
                case .claimed(let binding): return .some(binding)
                case .dropped: return .some(nil)
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
        guard let binding else { return .withheld(reason: nil) }
        let release = await binding.release()
        if case .prompt = release { promptWritten.store(true, ordering: .releasing) }
        return release
    }

    private func hear(_ event: ClaudeEvent) async {
        let target: Binding? = phase.withLock { phase in
            switch phase {
            case .waiting(let waiter, var early):
                if early.count < Self.earlyEventLimit { early.append(event) }
                phase = .waiting(waiter, early: early)
                return nil
            case .claimed(let binding): return binding
            case .dropped: return nil
            }
        }
        await target?.onEvent(event)
    }
}
