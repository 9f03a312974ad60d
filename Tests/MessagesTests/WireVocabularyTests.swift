import Foundation
import Messages
import Testing

/// The reason codes one program writes and another matches: typed in Messages, strings on the wire, so a code from
/// a newer build decodes (and is treated as a plain problem or refusal) instead of losing the message.
@Suite struct WireVocabularyTests {
    func frames(_ type: MessageType, _ body: String) -> [Data] {
        [Data("GH1".utf8), Data(type.rawValue.utf8), Data(body.utf8)]
    }

    @Test func attachmentProblemsReadTypedAndUnknownCodesStillDecode() throws {
        var attachment = InboundUpdate.Attachment(kind: .voice, problem: AttachmentProblem.voiceOff.rawValue)
        #expect(attachment.problem == "voice_off")
        #expect(attachment.knownProblem == .voiceOff)
        attachment.problem = nil
        #expect(attachment.knownProblem == nil)

        let body = #"{"updateId":9,"receivedAt":1,"kind":"message","attachments":[{"kind":"document","problem":"virus_found"}]}"#
        let update = try WireCodec.decode(InboundUpdate.self, from: frames(.update, body))
        let newer = try #require(update.attachments?.first)
        #expect(newer.problem == "virus_found")
        #expect(newer.knownProblem == nil)
    }

    @Test func jobRefusalsSayWhichAreVerificationFailures() throws {
        #expect(JobRefusal.allCases.filter(\.isVerificationFailure) == [.missingSignature, .badSignature, .expired, .replayed])
        #expect(JobAccepted.verificationRefusals == ["missing_signature", "bad_signature", "expired", "replayed"])
        #expect(JobVerifier.Verdict.valid.refusal == nil)
        #expect(JobVerifier.Verdict.expired.refusal == .expired)

        let draining = try WireCodec.decode(JobAccepted.self, from: frames(
            .jobAccepted, #"{"jobId":"j","attempt":1,"accepted":false,"refusal":"draining"}"#))
        #expect(draining.refusalCode == .draining)
        let newer = try WireCodec.decode(JobAccepted.self, from: frames(
            .jobAccepted, #"{"jobId":"j","attempt":1,"accepted":false,"refusal":"gpu_busy"}"#))
        #expect(newer.refusal == "gpu_busy" && newer.refusalCode == nil)
    }

    @Test func webhookAnswersCarryTheReceiversReasonVocabulary() {
        #expect(WebhookAck.unknownHook == "unknown_hook")
        let refused = WebhookAck(hook: "gh", deliveryId: "d", outcome: .refused, reason: WebhookRefusalReason.unknownHook.rawValue)
        #expect(refused.refusalReason == .unknownHook)
        #expect(WebhookAck(hook: "gh", deliveryId: "d", outcome: .refused, reason: "paused").refusalReason == nil)
    }

    @Test func dispositionsAreTheStoredWords() {
        #expect(UpdateDisposition.allCases.map(\.rawValue) == ["job", "reply", "refused", "command", "button", "ignored"])
    }
}
