import Messages

/// Which warm CLIs an executor keeps and which job may use one: pure bookkeeping, no processes (`WarmCLIPool` acts
/// on what it decides). A warm CLI is for one person's next prompt in one session, with one set of CLI settings;
/// a job uses it only if its signed assignment asks for exactly that launch, within the window, and nothing the
/// CLI read at its start has changed since.
struct WarmPoolBook: Sendable {
    struct Entry: Sendable, Equatable {
        var id: String
        var launch: WarmLaunch
        var startedAt: EpochMillis
    }

    enum Claim: Equatable {
        /// Use this warm CLI for the job.
        case use(id: String)
        /// No warm CLI fits; those listed are of no use any more (stop them), with why.
        case none(discard: [Discard])
    }

    struct Discard: Equatable {
        var id: String
        var reason: String
    }

    /// At most this many at once (0: the pool is off).
    let capacity: Int
    /// A warm CLI waits this long for its prompt.
    let windowMs: Int64
    private(set) var entries: [Entry] = []

    init(capacity: Int, windowMs: Int64) {
        self.capacity = max(0, capacity)
        self.windowMs = windowMs
    }

    var isEnabled: Bool { capacity > 0 }

    /// Takes a newly started warm CLI; returns the ones it replaces: the person's earlier one (they have one next
    /// prompt) and the oldest beyond capacity.
    mutating func add(id: String, launch: WarmLaunch, now: EpochMillis) -> [Discard] {
        guard isEnabled else { return [Discard(id: id, reason: "the pool is off")] }
        var discarded = entries.filter { $0.launch.userId == launch.userId }.map { Discard(id: $0.id, reason: "replaced by a newer one") }
        entries.removeAll { $0.launch.userId == launch.userId }
        entries.append(Entry(id: id, launch: launch, startedAt: now))
        while entries.count > capacity {
            discarded.append(Discard(id: entries.removeFirst().id, reason: "the pool is full"))
        }
        return discarded
    }

    /// Would a warm CLI be started for this launch now? (Not when the person already has one for it.)
    func wants(_ launch: WarmLaunch) -> Bool {
        isEnabled && !entries.contains { $0.launch.startsSameCLI(as: launch) }
    }

    /// A job is about to start with `launch` (nil: a new session): the person's warm CLI is used if it was started
    /// for exactly this launch, is within its window and `unchanged` confirms what it read is as it was.
    mutating func claim(userId: Int64, launch: WarmLaunch?, now: EpochMillis, unchanged: (Entry) -> String?) -> Claim {
        guard let index = entries.firstIndex(where: { $0.launch.userId == userId }) else { return .none(discard: []) }
        let entry = entries.remove(at: index)
        guard let launch, entry.launch.startsSameCLI(as: launch) else {
            return .none(discard: [Discard(id: entry.id, reason: "the prompt starts differently (session, directory, model or limits)")])
        }
        guard now - entry.startedAt <= windowMs else { return .none(discard: [Discard(id: entry.id, reason: "expired")]) }
        if let change = unchanged(entry) { return .none(discard: [Discard(id: entry.id, reason: change)]) }
        return .use(id: entry.id)
    }

    /// Those whose window has passed.
    mutating func expire(now: EpochMillis) -> [Discard] {
        let expired = entries.filter { now - $0.startedAt > windowMs }
        entries.removeAll { now - $0.startedAt > windowMs }
        return expired.map { Discard(id: $0.id, reason: "expired") }
    }

    /// One ended by itself (the CLI exited).
    mutating func remove(id: String) {
        entries.removeAll { $0.id == id }
    }

    /// All of them (the executor is draining).
    mutating func removeAll() -> [Discard] {
        defer { entries.removeAll() }
        return entries.map { Discard(id: $0.id, reason: "the executor is stopping") }
    }
}
