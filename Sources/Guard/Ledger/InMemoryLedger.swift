import Foundation
import Synchronization

/// A ledger in memory, for tests of the guard's decisions. Same semantics as `SQLiteLedger`, no durability.
public final class InMemoryLedger: Ledger {
    private struct State {
        var updates: [Int64: UpdateRecord] = [:]
        var jobs: [String: JobRecord] = [:]
        var jobOrder: [String] = []
        var outbox: [String: OutboxRecord] = [:]
        var outboxOrder: [String] = []
        var sessions: [String: SessionRecord] = [:]
        var buttons: [String: ButtonRecord] = [:]
        var preferences: [Int64: PreferencesRecord] = [:]
        var approvals: [String: ApprovalRecord] = [:]
        var rules: [String: SessionRuleRecord] = [:]
        var audit: [AuditRecord] = []
        var subjects: [Int64: String] = [:]
        var members: [Int64: MemberRecord] = [:]
        var tokens: [String: AccessTokenRecord] = [:]
        var authSessions: [Int64: AuthSessionRecord] = [:]
        var lockouts: [Int64: LockoutRecord] = [:]
        var rateBuckets: [Int64: RateBucketRecord] = [:]
        var usage: [String: UsageRecord] = [:]
        var sessionHistory: [String: SessionHistoryRecord] = [:]
        var topicBindings: [String: TopicBindingRecord] = [:]
        var jobFiles: [String: [JobFileRecord]] = [:]
        var jobTools: [String: [JobToolRecord]] = [:]
        var schedules: [String: ScheduleRecord] = [:]
        var webhookDeliveries: [String: WebhookDeliveryRecord] = [:]

        /// As `SQLiteLedger`'s erasure, but audit details are not sealed here (no per-person keys in memory).
        mutating func erase(_ userId: Int64) {
            let theirJobs = Set(jobs.values.filter { $0.userId == userId }.map(\.id))
            for id in theirJobs { jobs[id] = nil }
            jobOrder.removeAll { theirJobs.contains($0) }
            for (id, entry) in outbox
            where (entry.chatId == userId || entry.jobId.map(theirJobs.contains) == true) && entry.kind != OutboxKind.ephemeral {
                outbox[id] = nil
                outboxOrder.removeAll { $0 == id }
            }
            sessions = sessions.filter { $0.value.userId != userId }
            sessionHistory = sessionHistory.filter { $0.value.userId != userId }
            jobFiles = jobFiles.filter { !theirJobs.contains($0.key) }
            jobTools = jobTools.filter { !theirJobs.contains($0.key) }
            preferences[userId] = nil
            schedules = schedules.filter { $0.value.ownerId != userId }
            buttons = buttons.filter { $0.value.userId != userId }
            approvals = approvals.filter { $0.value.userId != userId }
            tokens = tokens.filter { $0.value.userId != userId }
            authSessions[userId] = nil
            rateBuckets[userId] = nil
            for (id, entry) in usage where entry.userId == userId {
                usage[id] = nil
                let anonymous = "erased-" + UUID().uuidString.lowercased()
                usage[anonymous] = UsageRecord(jobId: anonymous, userId: 0, at: entry.at, costUSD: entry.costUSD)
            }
            if var member = members[userId] {
                member.changedBy = nil
                member.changedAt = 0
                member.reason = nil
                members[userId] = member
            }
            for (id, update) in updates where update.userId == userId || update.chatId == userId {
                updates[id]?.userId = nil
                updates[id]?.chatId = nil
            }
            subjects[userId] = nil
        }
    }

    private let state = Mutex(State())

    public init() {}

    public func apply(_ batch: [LedgerChanges]) throws -> [Bool] {
        state.withLock { state in batch.map { Self.apply($0, to: &state) } }
    }

    @discardableResult
    public func apply(_ changes: LedgerChanges) throws -> Bool {
        state.withLock { state in Self.apply(changes, to: &state) }
    }

    private static func apply(_ changes: LedgerChanges, to state: inout State) -> Bool {
        if let update = changes.newUpdate {
            if state.updates[update.updateId] != nil { return false }
            state.updates[update.updateId] = update
        }
        if let delivery = changes.webhookDelivery {
            let key = delivery.hook + "/" + delivery.deliveryId
            if state.webhookDeliveries[key] != nil { return false }
            state.webhookDeliveries[key] = delivery
        }
        for job in changes.jobs {
            if state.jobs[job.id] == nil { state.jobOrder.append(job.id) }
            state.jobs[job.id] = job
            if job.status.isFinal {
                state.jobFiles[job.id] = nil
                state.jobTools[job.id] = nil
            }
        }
        for entry in changes.outbox {
            if state.outbox[entry.id] == nil { state.outboxOrder.append(entry.id) }
            state.outbox[entry.id] = entry
        }
        for session in changes.sessions {
            state.sessions["\(session.userId)/\(session.workspace)"] = session
        }
        for button in changes.buttons {
            state.buttons[button.nonce] = button
        }
        for preferences in changes.preferences {
            state.preferences[preferences.userId] = preferences
        }
        for approval in changes.approvals { state.approvals[approval.id] = approval }
        for rule in changes.rules { state.rules["\(rule.scope)|\(rule.toolName)|\(rule.signature)"] = rule }
        for member in changes.members { state.members[member.userId] = member }
        for token in changes.tokens { state.tokens[token.id] = token }
        for userId in changes.endedAuthSessions { state.authSessions[userId] = nil }
        for session in changes.authSessions { state.authSessions[session.userId] = session }
        for lockout in changes.lockouts { state.lockouts[lockout.userId] = lockout }
        for bucket in changes.rateBuckets { state.rateBuckets[bucket.userId] = bucket }
        for usage in changes.usage { state.usage[usage.jobId] = usage }
        for entry in changes.sessionHistory { state.sessionHistory[entry.sessionId] = entry }
        for binding in changes.topicBindings { state.topicBindings["\(binding.chatId)/\(binding.threadId)"] = binding }
        for file in changes.jobFiles {
            state.jobFiles[file.jobId, default: []].removeAll { $0.seq == file.seq }
            state.jobFiles[file.jobId, default: []].append(file)
        }
        for tool in changes.jobTools {
            state.jobTools[tool.jobId, default: []].removeAll { $0.attempt == tool.attempt && $0.requestId == tool.requestId }
            state.jobTools[tool.jobId, default: []].append(tool)
        }
        for key in changes.endedSessions { state.sessions["\(key.userId)/\(key.workspace)"] = nil }
        for event in changes.audit {
            let subject = event.userId.map { userId in
                if let known = state.subjects[userId] { return known }
                let fresh = AuditChain.newSubject()
                state.subjects[userId] = fresh
                return fresh
            }
            var record = AuditChain.chain(event, subject: subject, after: state.audit.last?.hash ?? AuditChain.genesis)
            record.seq = Int64(state.audit.count + 1)
            state.audit.append(record)
        }
        for id in changes.deletedOutbox {
            state.outbox[id] = nil
            state.outboxOrder.removeAll { $0 == id }
        }
        for schedule in changes.schedules { state.schedules[schedule.id] = schedule }
        for id in changes.deletedSchedules { state.schedules[id] = nil }
        for userId in changes.erasures { state.erase(userId) }
        return true
    }

    public func job(id: String) throws -> JobRecord? {
        state.withLock { $0.jobs[id] }
    }

    public func jobs(in statuses: Set<JobStatus>) throws -> [JobRecord] {
        state.withLock { state in
            state.jobOrder.compactMap { state.jobs[$0] }.filter { statuses.contains($0.status) }
        }
    }

    public func outboxBacklog() throws -> OutboxBacklog {
        state.withLock { state in
            let pending = state.outbox.values.filter { $0.status == .pending }
            return OutboxBacklog(count: pending.count, oldestCreatedAt: pending.map(\.createdAt).min())
        }
    }

    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxRecord] {
        state.withLock { state in
            Array(
                state.outboxOrder.compactMap { state.outbox[$0] }
                    .filter { $0.status == .pending && $0.nextAttemptAt <= now }
                    .prefix(limit))
        }
    }

    public func outbox(id: String) throws -> OutboxRecord? {
        state.withLock { $0.outbox[id] }
    }

    public func session(userId: Int64, workspace: String) throws -> SessionRecord? {
        state.withLock { $0.sessions["\(userId)/\(workspace)"] }
    }

    public func button(nonce: String) throws -> ButtonRecord? {
        state.withLock { $0.buttons[nonce] }
    }

    public func preferences(userId: Int64) throws -> PreferencesRecord? {
        state.withLock { $0.preferences[userId] }
    }

    public func approval(id: String) throws -> ApprovalRecord? {
        state.withLock { $0.approvals[id] }
    }

    public func approval(jobId: String, requestId: String) throws -> ApprovalRecord? {
        state.withLock { $0.approvals.values.first { $0.jobId == jobId && $0.requestId == requestId } }
    }

    public func pendingApprovals() throws -> [ApprovalRecord] {
        state.withLock { $0.approvals.values.filter { $0.status == .pending }.sorted { $0.createdAt < $1.createdAt } }
    }

    public func rules(scopes: [String]) throws -> [SessionRuleRecord] {
        state.withLock { state in state.rules.values.filter { scopes.contains($0.scope) } }
    }

    public func audit(fromSeq: Int64, limit: Int) throws -> [AuditRecord] {
        state.withLock { state in
            Self.named(Array(state.audit.filter { ($0.seq ?? 0) >= fromSeq }.prefix(limit)), subjects: state.subjects)
        }
    }

    public func auditEventCounts(since: Int64) throws -> [String: Int] {
        state.withLock { state in
            state.audit.filter { $0.at >= since }.reduce(into: [:]) { $0[$1.event, default: 0] += 1 }
        }
    }

    public func auditTail(limit: Int) throws -> [AuditRecord] {
        state.withLock { state in Self.named(Array(state.audit.suffix(limit)), subjects: state.subjects) }
    }

    private static func named(_ records: [AuditRecord], subjects: [Int64: String]) -> [AuditRecord] {
        let people = Dictionary(uniqueKeysWithValues: subjects.map { ($0.value, $0.key) })
        return records.map { record in
            var named = record
            if let subject = record.subject { named.userId = people[subject] }
            return named
        }
    }

    // MARK: - Chat

    public func sessionHistory(userId: Int64, limit: Int) throws -> [SessionHistoryRecord] {
        state.withLock { state in
            Array(state.sessionHistory.values.filter { $0.userId == userId }.sorted { $0.lastUsedAt > $1.lastUsedAt }.prefix(limit))
        }
    }

    public func sessionHistory(sessionId: String) throws -> SessionHistoryRecord? {
        state.withLock { $0.sessionHistory[sessionId] }
    }

    public func topicBinding(chatId: Int64, threadId: Int64) throws -> TopicBindingRecord? {
        state.withLock { $0.topicBindings["\(chatId)/\(threadId)"] }
    }

    public func jobTools(jobId: String, attempt: Int) throws -> [JobToolRecord] {
        state.withLock { ($0.jobTools[jobId] ?? []).filter { $0.attempt == attempt } }
    }

    public func jobFiles(jobId: String) throws -> [JobFileRecord] {
        state.withLock { ($0.jobFiles[jobId] ?? []).sorted { $0.seq < $1.seq } }
    }

    // MARK: - Schedules

    public func schedule(id: String) throws -> ScheduleRecord? {
        state.withLock { $0.schedules[id] }
    }

    public func schedules(ownerId: Int64?) throws -> [ScheduleRecord] {
        state.withLock { state in
            state.schedules.values.filter { ownerId == nil || $0.ownerId == ownerId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func dueSchedules(now: Int64) throws -> [ScheduleRecord] {
        state.withLock { state in
            state.schedules.values.filter { !$0.paused && ($0.nextRunAt ?? .max) <= now }
                .sorted { ($0.nextRunAt ?? 0, $0.id) < ($1.nextRunAt ?? 0, $1.id) }
        }
    }

    // MARK: - Access

    public func member(userId: Int64) throws -> MemberRecord? {
        state.withLock { $0.members[userId] }
    }

    public func members() throws -> [MemberRecord] {
        state.withLock { $0.members.values.sorted { $0.userId < $1.userId } }
    }

    public func token(id: String) throws -> AccessTokenRecord? {
        state.withLock { $0.tokens[id] }
    }

    public func tokens(userId: Int64?) throws -> [AccessTokenRecord] {
        state.withLock { state in
            state.tokens.values.filter { userId == nil || $0.userId == userId }.sorted { $0.issuedAt > $1.issuedAt }
        }
    }

    public func authSession(userId: Int64) throws -> AuthSessionRecord? {
        state.withLock { $0.authSessions[userId] }
    }

    public func idleAuthSessions(before: Int64) throws -> [AuthSessionRecord] {
        state.withLock { $0.authSessions.values.filter { $0.lastSeenAt < before } }
    }

    public func lockout(userId: Int64) throws -> LockoutRecord? {
        state.withLock { $0.lockouts[userId] }
    }

    public func rateBucket(userId: Int64) throws -> RateBucketRecord? {
        state.withLock { $0.rateBuckets[userId] }
    }

    public func usage(since: Int64) throws -> [UsageRecord] {
        state.withLock { $0.usage.values.filter { $0.at >= since }.sorted { $0.at < $1.at } }
    }

    public func usage(userId: Int64, since: Int64) throws -> [UsageRecord] {
        try usage(since: since).filter { $0.userId == userId }
    }

    public func usageTotal(since: Int64) throws -> Double {
        try usage(since: since).reduce(0) { $0 + $1.costUSD }
    }

    public func personalData(userId: Int64) throws -> PersonalData {
        state.withLock { state in
            let subject = state.subjects[userId]
            let jobs = state.jobOrder.compactMap { state.jobs[$0] }.filter { $0.userId == userId }
            let jobIds = Set(jobs.map(\.id))
            var data = PersonalData(
                userId: userId, member: state.members[userId], preferences: state.preferences[userId],
                sessions: state.sessions.values.filter { $0.userId == userId },
                jobs: jobs,
                usage: state.usage.values.filter { $0.userId == userId }.sorted { $0.at < $1.at },
                tokens: state.tokens.values.filter { $0.userId == userId }.map(PersonalData.TokenSummary.init),
                audit: Self.named(
                    state.audit.filter { $0.userId == userId || (subject != nil && $0.subject == subject) },
                    subjects: state.subjects
                ).map { PersonalData.AuditEntry($0, userId: userId) })
            data.sessionHistory = state.sessionHistory.values.filter { $0.userId == userId }.sorted { $0.startedAt < $1.startedAt }
            data.replies = state.outboxOrder.compactMap { state.outbox[$0] }
                .filter { $0.chatId == userId || $0.jobId.map(jobIds.contains) == true }.map(PersonalData.Reply.init)
            data.toolCalls = jobIds.sorted().flatMap { state.jobTools[$0] ?? [] }
            data.approvals = state.approvals.values.filter { $0.userId == userId }.sorted { $0.createdAt < $1.createdAt }
            data.uploads = jobIds.sorted().flatMap { state.jobFiles[$0] ?? [] }.map {
                PersonalData.Upload(jobId: $0.jobId, name: $0.name, isImage: $0.isImage)
            }
            data.updates = state.updates.values.filter { $0.userId == userId }.sorted { $0.updateId < $1.updateId }
            data.buttons = state.buttons.values.filter { $0.userId == userId }
            data.authSession = state.authSessions[userId]
            data.lockout = state.lockouts[userId]
            data.rateBucket = state.rateBuckets[userId]
            data.topicBindings = state.topicBindings.values.filter { $0.boundBy == userId }
            data.schedules = state.schedules.values.filter { $0.ownerId == userId }.sorted { $0.createdAt < $1.createdAt }
            return data
        }
    }
}
