import Foundation
import Messages

// libFuzzer entry point for the wire codec every program uses to read its peers. Built by `Fuzz/run.sh` against the
// `Messages` module compiled from `Sources/Messages`, so it exercises exactly the codec the programs run.
//
// Input layout: byte 0 % 6 is the number of frames; every frame but the last is a 2-byte big-endian length
// (clamped to what is left) followed by its bytes; the last frame is the rest of the input. Seeds in `corpus/`
// are written by `Fuzz/make_seeds.py`.
//
// For each input: `WireCodec.envelope(of:)`, then `decode` of every message type from the frames (which must agree
// with the envelope) and from the last frame taken as that type's body. Anything decoded must re-encode to frames
// that decode to an equal value and re-encode to the same bytes. A broken invariant traps, so libFuzzer saves it.

/// Every wire message type; checked against `MessageType.allCases` on the first input.
private let messageTypes: [any WireMessage.Type] = [
    Heartbeat.self, InboundUpdate.self, UpdateAck.self, WebhookEvent.self, WebhookAck.self, WebhookRefusals.self, ExecutorReady.self, JobAssignment.self, JobAccepted.self,
    JobGo.self, JobStarted.self, JobProgress.self, PermissionRequest.self, PermissionDecision.self, JobResult.self,
    JobResultAck.self, CancelJob.self, FileRequest.self, FileResult.self, FileToChat.self, FileToChatReceipt.self, EgressReady.self, Delivery.self, DeliveryResult.self,
]
private let everyTypeCovered = Set(messageTypes.map { $0.type.rawValue }) == Set(MessageType.allCases.map(\.rawValue))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard everyTypeCovered else { fatalError("a MessageType has no entry in messageTypes") }
    let frames = splitFrames(UnsafeBufferPointer(start: data, count: size))
    let envelope: Result<Envelope, WireError>
    do {
        let opened = try WireCodec.envelope(of: frames)
        guard frames.count == 3, Data(opened.type.rawValue.utf8) == frames[1], opened.body == frames[2] else {
            fatalError("envelope does not match its frames")
        }
        envelope = .success(opened)
    } catch {
        checkError(error)
        if frames.count != 3, error.code != .wrongFrameCount { fatalError("wrong frame count reported as \(error.code)") }
        envelope = .failure(error)
    }
    for type in messageTypes {
        check(type, frames: frames, envelope: envelope)
    }
    return 0
}

private func splitFrames(_ bytes: UnsafeBufferPointer<UInt8>) -> [Data] {
    guard let count = bytes.first.map({ Int($0 % 6) }), count > 0 else { return [] }
    var rest = bytes.dropFirst()
    var frames: [Data] = []
    for _ in 1..<count {
        let length = rest.prefix(2).reduce(0) { $0 << 8 | Int($1) }
        rest = rest.dropFirst(2)
        frames.append(Data(rest.prefix(length)))
        rest = rest.dropFirst(length)
    }
    frames.append(Data(rest))
    return frames
}

private func check<M: WireMessage>(_ type: M.Type, frames: [Data], envelope: Result<Envelope, WireError>) {
    let fromFrames = Result { () throws(WireError) in try WireCodec.decode(M.self, from: frames) }
    switch (envelope, fromFrames) {
    case (.failure(let expected), .failure(let error)):
        guard error == expected else { fatalError("decode and envelope disagree: \(error) vs \(expected)") }
    case (.failure, .success):
        fatalError("decoded \(M.type.rawValue) from frames the envelope refuses")
    case (.success(let opened), .failure(let error)):
        checkError(error)
        if opened.type != M.type, error.code != .unexpectedType { fatalError("mismatched type reported as \(error.code)") }
    case (.success(let opened), .success(let value)):
        guard opened.type == M.type else { fatalError("decoded \(M.type.rawValue) from a \(opened.type.rawValue) frame") }
        checkRoundTrip(value)
    }
    // The body alone, as this type: reaches every decoder whatever the type frame says.
    guard let body = frames.last else { return }
    do {
        checkRoundTrip(try WireCodec.decode(M.self, from: Envelope(type: M.type, body: body)))
    } catch {
        checkError(error)
        if error.code != .malformedBody { fatalError("a body failure reported as \(error.code)") }
    }
}

private func checkRoundTrip<M: WireMessage>(_ value: M) {
    do {
        let frames = try WireCodec.encode(value)
        guard frames.count == 3, frames[1] == Data(M.type.rawValue.utf8), try WireCodec.envelope(of: frames).type == M.type
        else { fatalError("encoded \(M.type.rawValue) has a wrong envelope") }
        let again = try WireCodec.decode(M.self, from: frames)
        guard try WireCodec.encode(again) == frames else { fatalError("\(M.type.rawValue) re-encodes differently") }
        if let equatable = value as? any Equatable, !isEqual(equatable, again) {
            fatalError("\(M.type.rawValue) changed across a round trip")
        }
    } catch {
        fatalError("a decoded \(M.type.rawValue) does not survive a round trip: \(error)")
    }
}

private func isEqual<E: Equatable>(_ value: E, _ other: Any) -> Bool {
    (other as? E) == value
}

/// Errors name a stable code and describe where, never echo content: the message stays short whatever the input.
private func checkError(_ error: WireError) {
    guard !error.code.description.isEmpty, !error.message.isEmpty, error.message.utf8.count <= 300 else {
        fatalError("unhelpful or oversized error: \(error.code) (\(error.message.utf8.count) bytes)")
    }
}
