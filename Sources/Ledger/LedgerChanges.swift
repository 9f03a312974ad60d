import Messages

/// Everything one decision changes, applied atomically: all of it is stored, or none of it.
public struct LedgerChanges: Sendable {
    /// If set, the changes apply only if this update was never committed before.
    public var newUpdate: UpdateRecord?
    /// Likewise for a webhook delivery: the changes apply only if its (hook, delivery id) was never committed.
    public var webhookDelivery: WebhookDeliveryRecord?
    public var jobs: [JobRecord] = []
    public var outbox: [OutboxRecord] = []
    public var sessions: [SessionRecord] = []
    public var buttons: [ButtonRecord] = []
    public var preferences: [PreferencesRecord] = []
    public var approvals: [ApprovalRecord] = []
    public var rules: [SessionRuleRecord] = []
    public var members: [MemberRecord] = []
    public var tokens: [AccessTokenRecord] = []
    public var authSessions: [AuthSessionRecord] = []
    /// Sessions of these people end (timeout, block, erasure).
    public var endedAuthSessions: [Int64] = []
    public var lockouts: [LockoutRecord] = []
    public var rateBuckets: [RateBucketRecord] = []
    public var usage: [UsageRecord] = []
    public var sessionHistory: [SessionHistoryRecord] = []
    public var topicBindings: [TopicBindingRecord] = []
    public var jobFiles: [JobFileRecord] = []
    /// Tool calls the guard allowed, by attempt (kept until their job ends).
    public var jobTools: [JobToolRecord] = []
    /// `/new`: these (person, workspace) pairs start a fresh Claude session next time.
    public var endedSessions: [SessionKey] = []
    /// Erase everything stored about these people (`/forgetme`), after everything else in these changes is stored
    /// (so that nothing the same decision wrote about them stays); replies of kind `OutboxKind.ephemeral` survive
    /// until sent.
    public var erasures: [Int64] = []
    /// Outbox entries to delete (an ephemeral reply once Telegram answered it).
    public var deletedOutbox: [String] = []
    /// Schedules made, changed or run (`nextRunAt` moved in the same transaction as the run's job: never twice).
    public var schedules: [ScheduleRecord] = []
    public var deletedSchedules: [String] = []
    public var audit: [AuditEvent] = []

    public init(
        newUpdate: UpdateRecord? = nil, jobs: [JobRecord] = [], outbox: [OutboxRecord] = [],
        sessions: [SessionRecord] = [], buttons: [ButtonRecord] = [], approvals: [ApprovalRecord] = [],
        audit: [AuditEvent] = []
    ) {
        self.newUpdate = newUpdate
        self.jobs = jobs
        self.outbox = outbox
        self.sessions = sessions
        self.buttons = buttons
        self.approvals = approvals
        self.audit = audit
    }

    /// Stores only the update and its audit entries: nothing another update's decision reads (people, sessions,
    /// limits, jobs, the outbox). Such changes may wait for a group commit while later updates are decided.
    public var storesOnlyUpdateAndAudit: Bool {
        var rest = self
        rest.newUpdate = nil
        rest.audit = []
        return rest.isEmpty
    }

    public var isEmpty: Bool {
        newUpdate == nil && jobs.isEmpty && outbox.isEmpty && sessions.isEmpty && buttons.isEmpty && preferences.isEmpty
            && approvals.isEmpty && rules.isEmpty && audit.isEmpty && members.isEmpty && tokens.isEmpty
            && authSessions.isEmpty && endedAuthSessions.isEmpty && lockouts.isEmpty && rateBuckets.isEmpty
            && usage.isEmpty && erasures.isEmpty && sessionHistory.isEmpty && topicBindings.isEmpty && jobFiles.isEmpty
            && endedSessions.isEmpty && jobTools.isEmpty && deletedOutbox.isEmpty && schedules.isEmpty
            && deletedSchedules.isEmpty && webhookDelivery == nil
    }
}
