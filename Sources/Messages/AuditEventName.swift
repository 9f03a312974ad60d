/// The name of every entry written to the audit log, by the guard and by the operator's command line. The raw values
/// are what the `audit` table stores and its hash chain covers, and what `gatehouse audit`, `gatehouse status`, the
/// tests and the benchmarks read: never change one (a renamed event would break the chain's meaning, not its hashes,
/// and every query for the old name). Records read back stay strings, since an older build may have written names
/// this one no longer writes.
public enum AuditEventName: String, Codable, Sendable, CaseIterable {
    // Who may use the bot.
    case accessDenied = "access.denied"
    /// An admin changed someone's standing (`/allow`, `/block`, `/unblock`; `gatehouse users …`).
    case adminAllow = "admin.allow"
    case adminBlock = "admin.block"
    case adminUnblock = "admin.unblock"
    /// `gatehouse users admin`: made an admin from the command line.
    case adminAdmin = "admin.admin"
    case adminTokenIssued = "admin.token_issued"
    case adminTokenRevoked = "admin.token_revoked"

    // Token authentication.
    case authFailure = "auth.failure"
    case authLocked = "auth.locked"
    case authRefused = "auth.refused"
    case authSuccess = "auth.success"
    case authUnneeded = "auth.unneeded"
    case authSessionExpired = "auth.session_expired"

    // Buttons: one event per action pressed (`button.<action>`), and the refusals.
    case buttonRetry = "button.retry"
    case buttonStop = "button.stop"
    case buttonAllowOnce = "button.allow_once"
    case buttonAllowSession = "button.allow_session"
    case buttonDeny = "button.deny"
    case buttonAnswer = "button.answer"
    case buttonCd = "button.cd"
    case buttonResume = "button.resume"
    case buttonModel = "button.model"
    case buttonTyped = "button.typed"
    case buttonRefused = "button.refused"
    case buttonInvalid = "button.invalid"

    // Commands.
    case command = "command"
    case commandInvalid = "command.invalid"
    case commandRefused = "command.refused"
    case commandUnknown = "command.unknown"

    // Replies and files.
    case deliveryOutageEnded = "delivery.outage_ended"
    case deliveryRejected = "delivery.rejected"
    case fileBind = "file.bind"
    case fileCd = "file.cd"
    case fileExport = "file.export"
    case fileRefused = "file.refused"
    case fileSent = "file.sent"
    case fileUpload = "file.upload"
    case gitRefused = "git.refused"
    case gitShown = "git.shown"
    case pathRefused = "path.refused"

    // Jobs and limits.
    case jobFinished = "job.finished"
    case jobInterrupted = "job.interrupted"
    case jobRestarted = "job.restarted"
    case limitCost = "limit.cost"
    case limitRate = "limit.rate"
    case requestAccepted = "request.accepted"
    case requestJoined = "request.joined"
    case requestRefused = "request.refused"
    case updateIgnored = "update.ignored"
    case uploadRefused = "upload.refused"

    // Personal data.
    case privacyErased = "privacy.erased"
    case privacyExport = "privacy.export"

    // Scheduled jobs.
    case scheduleAdded = "schedule.added"
    case schedulePaused = "schedule.paused"
    case scheduleRemoved = "schedule.removed"
    case scheduleResumed = "schedule.resumed"
    case scheduleRun = "schedule.run"
    case scheduleSkipped = "schedule.skipped"

    // Security.
    case securityAnomaly = "security.anomaly"
    case securityViolation = "security.violation"

    // Tool calls Claude asked permission for.
    case toolAllowed = "tool.allowed"
    case toolApproved = "tool.approved"
    case toolAsked = "tool.asked"
    case toolDenied = "tool.denied"
    case toolRefused = "tool.refused"

    // Webhooks.
    case webhookIgnored = "webhook.ignored"
    case webhookRefused = "webhook.refused"
    case webhookRun = "webhook.run"
    case webhookSkipped = "webhook.skipped"

    /// Events that count towards anomaly detection and the operator's "security events": every `security.*`
    /// entry and a failed sign-in. Takes the stored string, because `gatehouse status` counts records read back.
    public static func isSecurityEvent(_ name: String) -> Bool {
        name.hasPrefix("security.") || name == AuditEventName.authFailure.rawValue
    }

    /// Refusals the operator's status counts as such (`gatehouse status`).
    public static let refusals: Set<AuditEventName> = [
        .accessDenied, .requestRefused, .limitRate, .limitCost, .commandRefused, .buttonRefused, .uploadRefused,
        .fileRefused,
    ]
}
