import Foundation
import Messages
import Testing

/// Replays the wire-codec fuzz corpus (`Fuzz/WireCodecFuzz/corpus`, written by `Fuzz/make_seeds.py`) as unit tests:
/// each seed's name says whether it must decode (`valid-<type>-…`) or be refused with a code (`refused-<code>-…`),
/// and every seed must keep the fuzz target's invariants.
@Suite struct WireCodecCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/WireCodecFuzz/corpus")

    static let seedNames: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()

    /// "valid-work.job-…bin" → ["valid", "work.job", …]: the type names hold dots, so only ".bin" is cut.
    static func nameParts(_ name: String) -> [Substring] {
        (name.hasSuffix(".bin") ? name.dropLast(4) : Substring(name)).split(separator: "-")
    }

    static let allTypes: [any WireMessage.Type] = [
        Heartbeat.self,
        InboundUpdate.self, UpdateAck.self, WebhookEvent.self, WebhookAck.self, WebhookRefusals.self,
        ExecutorReady.self, JobAssignment.self, JobAccepted.self, JobGo.self, JobStarted.self, JobProgress.self,
        PermissionRequest.self, PermissionDecision.self, JobResult.self, JobResultAck.self, CancelJob.self,
        FileRequest.self, FileResult.self, FileToChat.self, FileToChatReceipt.self,
        EgressReady.self, Delivery.self, DeliveryResult.self,
    ]

    @Test func corpusHasAValidSeedOfEveryTypeAndEveryRefusal() {
        let valid = Set(Self.seedNames.filter { $0.hasPrefix("valid-") }.map { Self.nameParts($0)[1] })
        #expect(valid == Set(MessageType.allCases.map { Substring($0.rawValue) }))
        #expect(Set(Self.allTypes.map { $0.type.rawValue }) == Set(MessageType.allCases.map(\.rawValue)))
        let refused = Set(Self.seedNames.filter { $0.hasPrefix("refused-") }.map { Self.nameParts($0)[1] })
        #expect(refused == ["wrong_frame_count", "unsupported_version", "unknown_type", "malformed_body"])
    }

    @Test(arguments: seedNames)
    func seedMeetsItsExpectation(name: String) throws {
        let frames = Self.frames(of: try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        let parts = Self.nameParts(name)
        var firstFailure: WireError?
        do {
            let envelope = try WireCodec.envelope(of: frames)
            for type in Self.allTypes {
                if let error = Self.decodeAndRoundTrip(type, envelope: envelope), type.type == envelope.type {
                    firstFailure = error
                }
            }
        } catch {
            firstFailure = error
        }
        if parts.first == "valid" {
            #expect(firstFailure == nil, "\(name): \(firstFailure?.description ?? "")")
            #expect(String(decoding: frames[safe: 1] ?? Data(), as: UTF8.self) == String(parts[1]))
        } else {
            #expect(firstFailure?.code.description == String(parts[1]), "\(name): \(firstFailure?.description ?? "accepted")")
        }
        // As the fuzz target does: the last frame as the body of every type.
        for type in Self.allTypes {
            _ = Self.decodeAndRoundTrip(type, envelope: Envelope(type: type.type, body: frames.last ?? Data()))
        }
        if let failure = firstFailure {
            #expect(failure.message.utf8.count <= 300, "error messages never echo a body")
            #expect(!failure.message.contains("sk-ant-SECRET"))
        }
    }

    @Test func megabyteBodiesRoundTripOrAreRefused() throws {
        let text = String(repeating: "ü𝄞 ", count: 1 << 17)
        let delivery = Delivery(deliveryId: "d", kind: .message, chatId: 1, text: text, format: .markdown)
        #expect(try WireCodec.decode(Delivery.self, from: WireCodec.encode(delivery)) == delivery)

        let garbage = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        for type in Self.allTypes {
            let error = Self.decodeAndRoundTrip(type, envelope: Envelope(type: type.type, body: garbage))
            #expect(error?.code == .malformedBody)
        }
    }

    /// The fuzz target's input layout: byte 0 % 6 frames; all but the last prefixed by a 2-byte big-endian length
    /// (clamped to what is left); the last frame is the rest.
    static func frames(of input: Data) -> [Data] {
        let bytes = [UInt8](input)
        let count = Int((bytes.first ?? 0) % 6)
        var frames: [Data] = []
        var cursor = 1
        while frames.count + 1 < count {
            let high = bytes[safe: cursor].map(Int.init) ?? 0, low = bytes[safe: cursor + 1].map(Int.init) ?? 0
            let start = min(cursor + 2, bytes.count)
            let end = min(start + (high << 8 | low), bytes.count)
            frames.append(Data(bytes[start..<end]))
            cursor = end
        }
        if count > 0 { frames.append(Data(bytes[min(cursor, bytes.count)...])) }
        return frames
    }

    /// Decodes the envelope's body as `M`; a decoded value must re-encode to an equal value and identical bytes.
    /// Returns the decode error, if any (only `malformedBody` or `unexpectedType` are allowed).
    static func decodeAndRoundTrip<M: WireMessage>(_: M.Type, envelope: Envelope) -> WireError? {
        let value: M
        do {
            value = try WireCodec.decode(M.self, from: envelope)
        } catch {
            #expect(error.code == (envelope.type == M.type ? .malformedBody : .unexpectedType))
            return error
        }
        #expect(envelope.type == M.type)
        do {
            let encoded = try WireCodec.encode(value)
            let decoded = try WireCodec.decode(M.self, from: encoded)
            #expect(try WireCodec.encode(decoded) == encoded, "\(M.type.rawValue) re-encodes differently")
            // Opened outside `#expect`: the macro's expansion cannot open the existential.
            let unchanged = (value as? any Equatable).map { sameValue($0, decoded) } ?? true
            #expect(unchanged, "\(M.type.rawValue) changed across a round trip")
        } catch {
            Issue.record("a decoded \(M.type.rawValue) does not survive a round trip: \(error)")
        }
        return nil
    }

    private static func sameValue<E: Equatable>(_ value: E, _ other: some Any) -> Bool {
        (other as? E).map { $0 == value } ?? false
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
