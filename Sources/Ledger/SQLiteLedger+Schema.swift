import Foundation
import GRDB
import Messages

/// The ledger's tables, created and changed by numbered migrations (never edited once shipped).
extension SQLiteLedger {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE updates (
                    updateId INTEGER PRIMARY KEY, receivedAt INTEGER NOT NULL, committedAt INTEGER NOT NULL,
                    userId INTEGER, chatId INTEGER, kind TEXT NOT NULL, disposition TEXT NOT NULL);
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY, updateId INTEGER, userId INTEGER NOT NULL, chatId INTEGER NOT NULL,
                    threadId INTEGER, replyToMessageId INTEGER, workspace TEXT NOT NULL, prompt TEXT NOT NULL,
                    status TEXT NOT NULL, executorId TEXT, attempt INTEGER NOT NULL, createdAt INTEGER NOT NULL,
                    dispatchedAt INTEGER, startedAt INTEGER, finishedAt INTEGER, sessionId TEXT, costUSD REAL,
                    outcome TEXT, errorDetail TEXT);
                CREATE INDEX jobs_by_status ON jobs(status, createdAt);
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY, jobId TEXT, chatId INTEGER NOT NULL, threadId INTEGER,
                    replyToMessageId INTEGER, text TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL,
                    attempts INTEGER NOT NULL, nextAttemptAt INTEGER NOT NULL, createdAt INTEGER NOT NULL,
                    sentAt INTEGER, telegramMessageIds TEXT, lastError TEXT);
                CREATE INDEX outbox_due ON outbox(status, nextAttemptAt);
                CREATE TABLE sessions (
                    userId INTEGER NOT NULL, workspace TEXT NOT NULL, sessionId TEXT NOT NULL, executorId TEXT,
                    updatedAt INTEGER NOT NULL, PRIMARY KEY (userId, workspace));
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, userId INTEGER,
                    event TEXT NOT NULL, detail TEXT NOT NULL, prevHash TEXT NOT NULL, hash TEXT NOT NULL);
                -- The audit log is append-only: the database itself refuses edits and deletions.
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                """)
        }
        migrator.registerMigration("v2-buttons") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN buttons TEXT;
                ALTER TABLE jobs ADD COLUMN statusMessageId INTEGER;
                CREATE TABLE buttons (
                    nonce TEXT PRIMARY KEY, action TEXT NOT NULL, jobId TEXT NOT NULL, userId INTEGER NOT NULL,
                    chatId INTEGER NOT NULL, createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, usedAt INTEGER);
                """)
        }
        migrator.registerMigration("v3-preferences") { db in
            try db.execute(sql: "CREATE TABLE preferences (userId INTEGER PRIMARY KEY, verbosity INTEGER NOT NULL)")
        }
        migrator.registerMigration("v4-approvals") { db in
            try db.execute(sql: """
                ALTER TABLE buttons ADD COLUMN approvalId TEXT;
                ALTER TABLE buttons ADD COLUMN question INTEGER;
                ALTER TABLE buttons ADD COLUMN choice INTEGER;
                CREATE TABLE approvals (
                    id TEXT PRIMARY KEY, jobId TEXT NOT NULL, requestId TEXT NOT NULL, executorId TEXT NOT NULL,
                    userId INTEGER NOT NULL, chatId INTEGER NOT NULL, toolName TEXT NOT NULL, input TEXT NOT NULL,
                    status TEXT NOT NULL, createdAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, decidedAt INTEGER,
                    decidedBy INTEGER, outboxIds TEXT NOT NULL, answers TEXT, message TEXT);
                CREATE UNIQUE INDEX approvals_by_request ON approvals(jobId, requestId);
                CREATE INDEX approvals_pending ON approvals(status, expiresAt);
                CREATE TABLE rules (
                    scope TEXT NOT NULL, toolName TEXT NOT NULL, signature TEXT NOT NULL, createdAt INTEGER NOT NULL,
                    PRIMARY KEY (scope, toolName, signature));
                """)
        }
        migrator.registerMigration("v5-access") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN kind TEXT;
                ALTER TABLE outbox ADD COLUMN fileName TEXT;
                ALTER TABLE outbox ADD COLUMN targetMessageId INTEGER;
                ALTER TABLE audit ADD COLUMN subject TEXT;
                CREATE TABLE audit_subjects (subject TEXT PRIMARY KEY, userId INTEGER NOT NULL UNIQUE);
                CREATE TABLE members (
                    userId INTEGER PRIMARY KEY, role TEXT, changedBy INTEGER, changedAt INTEGER NOT NULL,
                    suspendedUntil INTEGER, reason TEXT);
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY, userId INTEGER NOT NULL, hash TEXT NOT NULL, issuedAt INTEGER NOT NULL,
                    expiresAt INTEGER NOT NULL, revokedAt INTEGER, lastUsedAt INTEGER);
                CREATE TABLE auth_sessions (
                    userId INTEGER PRIMARY KEY, tokenId TEXT NOT NULL, startedAt INTEGER NOT NULL,
                    lastSeenAt INTEGER NOT NULL);
                CREATE TABLE lockouts (userId INTEGER PRIMARY KEY, failures TEXT NOT NULL, lockedUntil INTEGER);
                CREATE TABLE rate_buckets (userId INTEGER PRIMARY KEY, tokens REAL NOT NULL, updatedAt INTEGER NOT NULL);
                CREATE TABLE usage (
                    jobId TEXT PRIMARY KEY, userId INTEGER NOT NULL, at INTEGER NOT NULL, costUSD REAL NOT NULL);
                CREATE INDEX usage_by_time ON usage(at);
                CREATE INDEX jobs_by_user ON jobs(userId, createdAt);
                CREATE TABLE keyring (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v6-chat") { db in
            try db.execute(sql: """
                ALTER TABLE preferences ADD COLUMN currentDirectory TEXT;
                ALTER TABLE preferences ADD COLUMN model TEXT;
                ALTER TABLE buttons ADD COLUMN argument TEXT;
                ALTER TABLE jobs ADD COLUMN notBefore INTEGER;
                ALTER TABLE jobs ADD COLUMN mediaGroupId TEXT;
                CREATE TABLE session_history (
                    sessionId TEXT PRIMARY KEY, userId INTEGER NOT NULL, workspace TEXT NOT NULL, executorId TEXT,
                    startedAt INTEGER NOT NULL, lastUsedAt INTEGER NOT NULL, firstPrompt TEXT NOT NULL,
                    costUSD REAL NOT NULL, runs INTEGER NOT NULL);
                CREATE INDEX session_history_by_user ON session_history(userId, lastUsedAt);
                CREATE TABLE topic_bindings (
                    chatId INTEGER NOT NULL, threadId INTEGER NOT NULL, workspace TEXT NOT NULL, boundBy INTEGER NOT NULL,
                    boundAt INTEGER NOT NULL, PRIMARY KEY (chatId, threadId));
                CREATE TABLE job_files (
                    jobId TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
                    isImage INTEGER NOT NULL, PRIMARY KEY (jobId, seq));
                """)
        }
        migrator.registerMigration("v7-usage-by-user") { db in
            // Every prompt checks its sender's own spending over the last day.
            try db.execute(sql: "CREATE INDEX usage_by_user ON usage(userId, at)")
        }
        migrator.registerMigration("v8-job-tools") { db in
            // What each attempt was allowed to do decides whether a lost attempt may run again by itself.
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE job_tools (
                    jobId TEXT NOT NULL, attempt INTEGER NOT NULL, requestId TEXT NOT NULL, toolName TEXT NOT NULL,
                    summary TEXT NOT NULL, changes INTEGER NOT NULL, allowedAt INTEGER NOT NULL,
                    PRIMARY KEY (jobId, attempt, requestId));
                """)
        }
        migrator.registerMigration("v9-privacy-audit-keys") { db in
            // Each person's audit details are sealed with a key of their own, erased with their pseudonym.
            try db.execute(sql: "ALTER TABLE audit_subjects ADD COLUMN sealKey TEXT")
        }
        migrator.registerMigration("v10-schedules-webhooks") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN trigger TEXT;
                ALTER TABLE jobs ADD COLUMN model TEXT;
                ALTER TABLE jobs ADD COLUMN maxBudgetUSD REAL;
                ALTER TABLE jobs ADD COLUMN questions TEXT;
                ALTER TABLE jobs ADD COLUMN copyTo TEXT;
                CREATE TABLE webhook_deliveries (
                    hook TEXT NOT NULL, deliveryId TEXT NOT NULL, event TEXT, receivedAt INTEGER NOT NULL,
                    committedAt INTEGER NOT NULL, outcome TEXT NOT NULL, runs INTEGER NOT NULL,
                    PRIMARY KEY (hook, deliveryId));
                CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries(committedAt);
                CREATE TABLE schedules (
                    id TEXT PRIMARY KEY, ownerId INTEGER NOT NULL, chatId INTEGER NOT NULL, threadId INTEGER,
                    workspace TEXT NOT NULL, cron TEXT NOT NULL, timeZone TEXT NOT NULL, prompt TEXT NOT NULL,
                    missed TEXT NOT NULL, paused INTEGER NOT NULL, nextRunAt INTEGER, lastRunAt INTEGER,
                    runs INTEGER NOT NULL, createdAt INTEGER NOT NULL);
                CREATE INDEX schedules_due ON schedules(paused, nextRunAt);
                CREATE INDEX schedules_by_owner ON schedules(ownerId, createdAt);
                """)
        }
        return migrator
    }
}
