import Logging
import Messages

/// What an executor checks before it takes a job: the guard's signature and the expiry (`JobVerifier`), and that
/// the same job id and attempt was not run here before (a replay). Ids are remembered until the job would have
/// expired anyway.
actor JobCheck {
    private let verifier: JobVerifier?
    private var seen: [String: EpochMillis] = [:]

    init(verifier: JobVerifier?) {
        self.verifier = verifier
    }

    enum Verdict: Equatable {
        case take
        /// The same job is in a slot already: a repeated delivery, not an attack; ignore it quietly.
        case alreadyHere
        /// `code` is a `JobRefusal`'s raw value, as `JobAccepted.refusal` carries it.
        case refuse(code: String, reason: String)
    }

    func check(_ job: JobAssignment, now: EpochMillis, isActive: Bool) -> Verdict {
        if let verifier {
            let verdict = verifier.verify(job, now: now)
            if let refusal = verdict.refusal {
                return .refuse(code: refusal.rawValue, reason: "job signature check failed: \(verdict.rawValue)")
            }
        }
        let key = job.jobId + "#" + String(job.attempt)
        seen = seen.filter { $0.value > now }
        if seen[key] != nil {
            return isActive ? .alreadyHere : .refuse(code: JobRefusal.replayed.rawValue, reason: "this job was run here before")
        }
        seen[key] = max(job.expiresAt ?? 0, job.issuedAt + 300_000) + 60_000
        return .take
    }
}
