import Crypto
import Foundation

/// Jobs carry the guard's Ed25519 signature, so that neither a compromised ingress nor anyone on the network can
/// make an executor run anything. The signature covers a canonical encoding of every field that decides what
/// runs and where (job id, attempt, user, chat, workspace, a hash of the prompt, session, model, limits, and the
/// issue and expiry times); executors refuse a job whose signature, expiry or id (replay) does not check out.
public enum JobSignature {
    /// "v1." + base64 of the 64-byte signature.
    static let prefix = "v1."

    /// The bytes that are signed: each field as `<length>:<utf8>` in a fixed order, after a domain tag, so no two
    /// different jobs encode the same.
    /// Each upload by name, content hash and kind.
    private static func fileFields(_ files: [JobFile]) -> [String] {
        var fields: [String] = []
        for file in files {
            let hash = Hex.lowercase(SHA256.hash(data: file.data))
            fields += [file.name, hash, file.isImage ? "image" : "file"]
        }
        return fields
    }

    public static func canonical(_ job: JobAssignment) -> Data {
        let promptHash = Hex.lowercase(SHA256.hash(data: Data(job.prompt.utf8)))
        let fields: [String] = [
            "gatehouse.job.v1", job.jobId, String(job.attempt), String(job.userId), String(job.chatId), job.workspace,
            promptHash, job.resumeSessionId ?? "", job.model ?? "", job.maxTurns.map(String.init) ?? "",
            String(job.timeoutSeconds), String(job.issuedAt), job.expiresAt.map(String.init) ?? "",
            JobAssignment.budgetText(job.maxBudgetUSD) ?? "",
        ] + fileFields(job.files ?? [])
        var data = Data()
        for field in fields {
            let bytes = Data(field.utf8)
            data.append(Data("\(bytes.count):".utf8))
            data.append(bytes)
        }
        return data
    }
}

/// The guard's signing key (`GATEHOUSE_JOB_SIGNING_KEY_FILE`).
public struct JobSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// `text` is the base64 raw private key as `gatehouse keygen --signing` writes it.
    public init(privateKeyBase64 text: String) throws(JobKeyError) {
        guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw JobKeyError(code: "job_key.invalid_private", message: "not an Ed25519 private key (base64 of 32 bytes; see gatehouse keygen --signing)")
        }
        self.key = key
    }

    public init() { key = Curve25519.Signing.PrivateKey() }

    public var publicKeyBase64: String { key.publicKey.rawRepresentation.base64EncodedString() }
    public var privateKeyBase64: String { key.rawRepresentation.base64EncodedString() }

    /// Sets `expiresAt` (if unset) and `signature`.
    public func sign(_ job: JobAssignment, validFor lifetimeMs: Int64 = 300_000) -> JobAssignment {
        var job = job
        if job.expiresAt == nil { job.expiresAt = job.issuedAt + lifetimeMs }
        job.signature = nil
        if let signature = try? key.signature(for: JobSignature.canonical(job)) {
            job.signature = JobSignature.prefix + signature.base64EncodedString()
        }
        return job
    }
}

/// The guard's public key as executors hold it (`GATEHOUSE_JOB_PUBLIC_KEY` / `_FILE`).
public struct JobVerifier: Sendable {
    public enum Verdict: String, Sendable, Equatable {
        case valid
        case missingSignature = "missing_signature"
        case badSignature = "bad_signature"
        case expired

        /// What the executor answers a job it could not verify with (nil for a valid one).
        public var refusal: JobRefusal? {
            switch self {
            case .valid: nil
            case .missingSignature: .missingSignature
            case .badSignature: .badSignature
            case .expired: .expired
            }
        }
    }

    private let key: Curve25519.Signing.PublicKey

    public init(publicKeyBase64 text: String) throws(JobKeyError) {
        guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw JobKeyError(code: "job_key.invalid_public", message: "not an Ed25519 public key (base64 of 32 bytes; see gatehouse keygen --signing)")
        }
        self.key = key
    }

    /// Checks the signature and the expiry (with `skewMs` of tolerance for clocks on different hosts).
    public func verify(_ job: JobAssignment, now: EpochMillis, skewMs: Int64 = 30_000) -> Verdict {
        guard let text = job.signature, let expiresAt = job.expiresAt else { return .missingSignature }
        guard text.hasPrefix(JobSignature.prefix), let signature = Data(base64Encoded: String(text.dropFirst(JobSignature.prefix.count))) else {
            return .badSignature
        }
        var unsigned = job
        unsigned.signature = nil
        guard key.isValidSignature(signature, for: JobSignature.canonical(unsigned)) else { return .badSignature }
        guard now <= expiresAt + skewMs, job.issuedAt <= now + skewMs else { return .expired }
        return .valid
    }
}

public struct JobKeyError: Error, CustomStringConvertible, Sendable {
    public var code: String
    public var message: String
    public var description: String { "\(code): \(message)" }
}
