import Foundation
import Messages
import Testing

@Suite struct JobSignatureTests {
    let signer = JobSigner()
    var verifier: JobVerifier { get throws { try JobVerifier(publicKeyBase64: signer.publicKeyBase64) } }

    func job(issuedAt: EpochMillis = 1_000_000) -> JobAssignment {
        JobAssignment(
            jobId: "job-1", attempt: 1, userId: 1001, chatId: 1001, workspace: "alpha", prompt: "list the files",
            resumeSessionId: nil, model: nil, maxTurns: 5, timeoutSeconds: 600, issuedAt: issuedAt)
    }

    @Test func aSignedJobVerifiesAndSurvivesTheWire() throws {
        let signed = signer.sign(job())
        #expect(signed.expiresAt == EpochMillis(1_300_000))
        let decoded = try WireCodec.decode(JobAssignment.self, from: WireCodec.envelope(of: WireCodec.encode(signed)))
        #expect(try verifier.verify(decoded, now: 1_000_500) == .valid)
    }

    /// A guard and executors of different versions must sign and check the same bytes: pinned here, hashes in
    /// lowercase hex (as `sha256sum` prints them).
    @Test func theSignedBytesStayTheSameAcrossVersions() {
        var signed = job()
        signed.expiresAt = 1_300_000
        signed.maxBudgetUSD = 0.25
        signed.files = [JobFile(name: "data.csv", data: Data("a,b\n1,2\n".utf8), isImage: false)]
        let expected = "16:gatehouse.job.v15:job-11:14:10014:10015:alpha"
            + "64:3cecba01356b133b5c310d645a557cecfd5b1951259fa55bf19b7dc94200c9c6"
            + "0:0:1:53:6007:10000007:13000006:0.25008:data.csv"
            + "64:492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470" + "4:file"
        #expect(String(decoding: JobSignature.canonical(signed), as: UTF8.self) == expected)
    }

    @Test func hexIsTwoLowercaseDigitsPerByte() {
        #expect(Hex.lowercase([0x00, 0x0f, 0xa0, 0xff, 0x5c]) == "000fa0ff5c")
        #expect(Hex.lowercase([UInt8]()) == "")
    }

    @Test(arguments: ["jobId", "attempt", "userId", "chatId", "workspace", "prompt", "resume", "model", "maxTurns", "timeout", "expiresAt"])
    func changingAnySignedFieldBreaksTheSignature(field: String) throws {
        var tampered = signer.sign(job())
        switch field {
        case "jobId": tampered.jobId = "job-2"
        case "attempt": tampered.attempt = 2
        case "userId": tampered.userId = 1002
        case "chatId": tampered.chatId = 1002
        case "workspace": tampered.workspace = "../etc"
        case "prompt": tampered.prompt += "; and delete everything"
        case "resume": tampered.resumeSessionId = "someone-elses-session"
        case "model": tampered.model = "other"
        case "maxTurns": tampered.maxTurns = 500
        case "timeout": tampered.timeoutSeconds = 86_400
        default: tampered.expiresAt = (tampered.expiresAt ?? 0) + 3_600_000
        }
        #expect(try verifier.verify(tampered, now: 1_000_500) == .badSignature)
    }

    @Test func missingForeignAndExpiredSignaturesAreRefused() throws {
        #expect(try verifier.verify(job(), now: 1_000_500) == .missingSignature)
        let foreign = JobSigner().sign(job())
        #expect(try verifier.verify(foreign, now: 1_000_500) == .badSignature)
        var garbage = signer.sign(job())
        garbage.signature = "v1.not base64"
        #expect(try verifier.verify(garbage, now: 1_000_500) == .badSignature)
        let signed = signer.sign(job())
        #expect(try verifier.verify(signed, now: 1_000_000 + 300_000 + 30_001) == .expired)
        #expect(try verifier.verify(signed, now: 1_000_000 - 30_001) == .expired)  // issued in the future
    }

    @Test func keysRoundTripAsBase64AndBadKeysAreRejectedWithoutEchoingThem() throws {
        let copy = try JobSigner(privateKeyBase64: signer.privateKeyBase64)
        #expect(copy.publicKeyBase64 == signer.publicKeyBase64)
        do {
            _ = try JobSigner(privateKeyBase64: "c2VjcmV0LXNlY3JldA==")
            Issue.record("a malformed key was accepted")
        } catch {
            #expect(error.code == "job_key.invalid_private")
            #expect(!error.description.contains("c2VjcmV0LXNlY3JldA"))
        }
    }
}
