import Ledger
import Messages

extension ButtonRecord.Action {
    /// What the audit log calls a press of this button (`button.<action>`).
    var auditEvent: AuditEventName {
        switch self {
        case .retry: .buttonRetry
        case .stop: .buttonStop
        case .allowOnce: .buttonAllowOnce
        case .allowSession: .buttonAllowSession
        case .deny: .buttonDeny
        case .answer: .buttonAnswer
        case .cd: .buttonCd
        case .resume: .buttonResume
        case .model: .buttonModel
        case .typed: .buttonTyped
        }
    }
}
