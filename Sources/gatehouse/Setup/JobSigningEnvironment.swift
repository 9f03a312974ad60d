import Foundation
import Messages
import Settings
import Transport

/// The job signing keys: the guard signs every job with `GATEHOUSE_JOB_SIGNING_KEY_FILE`, executors verify with
/// `GATEHOUSE_JOB_PUBLIC_KEY` / `_FILE`. Both are required in production (`gatehouse up` makes a pair under the
/// data directory when none is configured).
extension ProgramEnvironment {
    static let jobSigningKeyVariable = "GATEHOUSE_JOB_SIGNING_KEY_FILE"
    static let jobPublicKeyVariable = "GATEHOUSE_JOB_PUBLIC_KEY"

    func jobSigner() -> JobSigner? {
        guard let path = reader.raw(Self.jobSigningKeyVariable) else {
            if environment == .production && !jobKeysComing {
                reader.report(Self.jobSigningKeyVariable, "is required: the guard signs every job (make one with `gatehouse keygen --signing --out DIR --name job-signing`)")
            }
            return nil
        }
        do {
            return try JobSigner(privateKeyBase64: try KeyFileWriter.readTrimmed(path))
        } catch {
            reader.report(Self.jobSigningKeyVariable, "\(path): \(error)")
            return nil
        }
    }

    func jobVerifier() -> JobVerifier? {
        let text: String?
        if let direct = reader.raw(Self.jobPublicKeyVariable) {
            text = direct
        } else if let path = reader.raw(Self.jobPublicKeyVariable + "_FILE") {
            do {
                text = try KeyFileWriter.readTrimmed(path)
            } catch {
                reader.report(Self.jobPublicKeyVariable + "_FILE", "\(error)")
                return nil
            }
        } else {
            text = nil
        }
        guard let text else {
            if environment == .production && !jobKeysComing {
                reader.report(Self.jobPublicKeyVariable, "is required: executors run only jobs signed by the guard; give the guard's job-signing.pub (or \(Self.jobPublicKeyVariable)_FILE)")
            }
            return nil
        }
        do {
            return try JobVerifier(publicKeyBase64: text)
        } catch {
            reader.report(Self.jobPublicKeyVariable, "\(error)")
            return nil
        }
    }

    /// Whether `gatehouse up` uses (and makes, the first time) a pair of its own: the operator gave no job keys.
    static func makesLocalJobKeys(_ variables: [String: String]) -> Bool {
        variables[jobSigningKeyVariable] == nil && variables[jobPublicKeyVariable] == nil
            && variables[jobPublicKeyVariable + "_FILE"] == nil
    }

    /// For `gatehouse up`: a signing key pair next to the database, made once, unless the operator gave keys.
    static func ensureLocalJobKeys(_ variables: inout [String: String]) throws {
        guard makesLocalJobKeys(variables) else { return }
        let database = variables["DATABASE_PATH"] ?? "./data/gatehouse.sqlite"
        let directory = URL(fileURLWithPath: database).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("keys").path
        let secret = directory + "/job-signing.key"
        if !FileManager.default.fileExists(atPath: secret) {
            let signer = JobSigner()
            try KeyFileWriter.write(directory: directory, name: "job-signing", secret: signer.privateKeyBase64, public: signer.publicKeyBase64)
        }
        variables[jobSigningKeyVariable] = secret
        variables[jobPublicKeyVariable + "_FILE"] = directory + "/job-signing.pub"
    }
}
