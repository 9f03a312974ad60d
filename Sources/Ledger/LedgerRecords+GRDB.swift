import GRDB

/// The records as GRDB rows: each names its table.
extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobs"
}

extension OutboxRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"
}

extension SessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sessions"
}

extension ButtonRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "buttons"
}

extension PreferencesRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "preferences"
}

extension ApprovalRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approvals"
}

extension SessionRuleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rules"
}

extension AuditRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"
}

extension MemberRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "members"
}

extension AccessTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tokens"
}

extension AuthSessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auth_sessions"
}

extension LockoutRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "lockouts"
}

extension RateBucketRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rate_buckets"
}

extension UsageRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "usage"
}

extension SessionHistoryRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session_history"
}

extension ScheduleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "schedules"
}

extension TopicBindingRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "topic_bindings"
}

extension JobFileRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_files"
}

extension JobToolRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_tools"
}

extension UpdateRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "updates"
}
