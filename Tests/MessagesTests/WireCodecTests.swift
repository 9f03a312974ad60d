import Foundation
import Messages
import Testing

@Suite struct WireCodecTests {
    @Test func roundTripsEveryKindOfMessage() throws {
        let update = InboundUpdate(
            updateId: 42, receivedAt: 1_700_000_000_123, kind: .message,
            sender: .init(id: 7, username: "ann", firstName: "Ann"), chat: .init(id: 7, type: "private"),
            messageId: 3, text: "hello <&> 😀")
        #expect(try WireCodec.decode(InboundUpdate.self, from: WireCodec.encode(update)) == update)

        let request = PermissionRequest(
            jobId: "j", requestId: "r", toolName: "Write",
            input: .object(["file_path": .string("/a/b"), "n": .number(1.5), "flags": .array([.bool(true), .null])]))
        #expect(try WireCodec.decode(PermissionRequest.self, from: WireCodec.encode(request)) == request)

        let result = JobResult(jobId: "j", attempt: 2, outcome: .timedOut, costUSD: 0.25, finishedAt: 9)
        #expect(try WireCodec.decode(JobResult.self, from: WireCodec.encode(result)) == result)
    }

    @Test func framesAreVersionTypeAndBody() throws {
        let frames = try WireCodec.encode(UpdateAck(updateId: 1, outcome: .duplicate))
        #expect(frames.count == 3)
        #expect(String(decoding: frames[0], as: UTF8.self) == "GH1")
        #expect(String(decoding: frames[1], as: UTF8.self) == "intake.update_ack")
    }

    @Test func ignoresUnknownFields() throws {
        let body = #"{"updateId":5,"outcome":"committed","addedInVersion2":{"x":[1,2]}}"#
        let frames = [Data("GH1".utf8), Data("intake.update_ack".utf8), Data(body.utf8)]
        #expect(try WireCodec.decode(UpdateAck.self, from: frames) == UpdateAck(updateId: 5, outcome: .committed))
    }

    @Test func refusesAnotherVersion() {
        let frames = [Data("GH2".utf8), Data("intake.update_ack".utf8), Data("{}".utf8)]
        #expect(throws: WireError.self) { try WireCodec.envelope(of: frames) }
        do {
            _ = try WireCodec.envelope(of: frames)
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
    }

    @Test(arguments: [
        [Data]([]),
        [Data("GH1".utf8)],
        [Data("GH1".utf8), Data("intake.update".utf8)],
        [Data("GH1".utf8), Data("intake.update".utf8), Data(), Data()],
    ])
    func refusesWrongFrameCounts(frames: [Data]) {
        do {
            _ = try WireCodec.envelope(of: frames)
            Issue.record("accepted \(frames.count) frames")
        } catch {
            #expect(error.code == .wrongFrameCount)
        }
    }

    @Test func refusesUnknownTypeAndMismatchedType() throws {
        do {
            _ = try WireCodec.envelope(of: [Data("GH1".utf8), Data("intake.nope".utf8), Data("{}".utf8)])
            Issue.record("accepted an unknown type")
        } catch {
            #expect(error.code == .unknownType)
        }
        let frames = try WireCodec.encode(Heartbeat(senderId: "x", sentAt: 1))
        do {
            _ = try WireCodec.decode(UpdateAck.self, from: frames)
            Issue.record("decoded a heartbeat as an ack")
        } catch {
            #expect(error.code == .unexpectedType)
        }
    }

    @Test func garbageBodiesAreErrorsWithoutContent() {
        let secret = "sk-ant-SECRET-VALUE"
        let bodies = ["", "{", "null", "[]", #"{"updateId":"x","outcome":"committed"}"#, #"{"updateId":1,"outcome":"\#(secret)"}"#,
                      String(repeating: "[", count: 10_000), "\u{0}\u{1}\u{2}"]
        for body in bodies {
            let frames = [Data("GH1".utf8), Data("intake.update_ack".utf8), Data(body.utf8)]
            do {
                _ = try WireCodec.decode(UpdateAck.self, from: frames)
                Issue.record("accepted \(body.prefix(20).debugDescription)")
            } catch {
                #expect(error.code == .malformedBody)
                #expect(!error.message.contains(secret))
            }
        }
    }

    @Test func truncatedFramesOfARealMessageAreErrors() throws {
        let frames = try WireCodec.encode(JobAssignment(
            jobId: "j", attempt: 1, userId: 1, chatId: 1, workspace: "", prompt: "p", resumeSessionId: nil, model: nil,
            maxTurns: nil, timeoutSeconds: 60, issuedAt: 1))
        let body = frames[2]
        for cut in stride(from: 0, to: body.count, by: max(1, body.count / 25)) {
            let truncated = [frames[0], frames[1], body.prefix(cut)]
            #expect(throws: WireError.self) { try WireCodec.decode(JobAssignment.self, from: truncated) }
        }
    }

    @Test func timesAreEpochMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.1234)
        #expect(date.epochMillis == 1_700_000_000_123)
        #expect(Date(epochMillis: 1_700_000_000_123).epochMillis == 1_700_000_000_123)
    }
}
