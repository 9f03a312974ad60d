/// Why an executor refused a job (`JobAccepted.refusal`), as a stable code the guard acts on: a verification
/// failure means the guard's own signatures do not check out there, and that executor gets no more jobs until it
/// registers again.
///
/// The wire field stays a `String`, read through `JobAccepted.refusalCode`: executors and the guard are upgraded
/// separately, and a `JobAccepted` that failed to decode would leave the job dispatched to an executor that will
/// never run it. An unknown code is treated as a plain refusal (the job is queued again).
public enum JobRefusal: String, Codable, Sendable, CaseIterable {
    /// Every slot is busy.
    case noSlot = "no_slot"
    /// The executor is shutting down.
    case draining
    /// The job carries no signature (`JobVerifier.Verdict.missingSignature`).
    case missingSignature = "missing_signature"
    /// The signature does not check out against the guard's public key.
    case badSignature = "bad_signature"
    /// Past its expiry, or issued in the future.
    case expired
    /// The same job id and attempt was run on this executor before.
    case replayed

    /// Whether the executor could not verify the job (rather than having no room for it).
    public var isVerificationFailure: Bool {
        switch self {
        case .missingSignature, .badSignature, .expired, .replayed: true
        case .noSlot, .draining: false
        }
    }
}

extension JobAccepted {
    /// `refusal` in the shared vocabulary; nil when accepted, or when the code is one this build does not know.
    public var refusalCode: JobRefusal? {
        refusal.flatMap(JobRefusal.init(rawValue:))
    }

    /// Refusal codes meaning the executor could not verify the job (see `JobVerifier`, `JobAccepted.refusal`).
    public static let verificationRefusals: Set<String> = Set(
        JobRefusal.allCases.filter(\.isVerificationFailure).map(\.rawValue))
}
