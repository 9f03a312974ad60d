import Foundation
import Messages
import Telegram

// libFuzzer entry point for what ingress does with each update Telegram returns: decode it (`TelegramUpdate`, with a
// plain `JSONDecoder`, and as one element of a `getUpdates` answer, `TelegramUpdateBatch`), translate it
// (`UpdateTranslator` and its helpers, compiled into this module by `Fuzz/run.sh`), and send it to the guard
// (`WireCodec`). `Telegram` here is built from its Codable types and the batch reader only: they do not need the
// HTTP client or libcurl.
//
// Input: the JSON of one update (seeds in `corpus/`, written by `Fuzz/make_seeds.py`). A broken invariant traps, so
// libFuzzer saves the input.

private let decoder = JSONDecoder()
private let receivedAt: EpochMillis = 1_700_000_000_123
private let bot = BotIdentity(id: 4242, username: "gate_bot")
private let limit = 1000
/// A good update (made per input: a global Data's buffer reads as a leak to LeakSanitizer at exit).
private let neighbourJSON = #"{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}}"#

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(bytes: data, count: size)
    let alone = try? decoder.decode(TelegramUpdate.self, from: input)
    checkBatches(input, alone: alone)
    guard let update = alone else { return 0 }
    guard update.kinds == update.kinds.sorted(), !update.kinds.contains("update_id") else {
        fatalError("kinds are not the sorted keys besides update_id")
    }
    let inbound = UpdateTranslator.translate(update, receivedAt: receivedAt, bot: bot, downloadLimit: limit)
    guard inbound.updateId == update.update_id, inbound.receivedAt == receivedAt else {
        fatalError("translation changed the update id or the reception time")
    }
    checkKind(of: inbound, from: update)
    do {
        let frames = try WireCodec.encode(inbound)
        guard try WireCodec.decode(InboundUpdate.self, from: frames) == inbound else {
            fatalError("the translated update changed across the wire")
        }
    } catch {
        fatalError("the translated update does not survive the wire: \(error)")
    }
    return 0
}

/// One answer holding the input between two good updates: when the input is one well-formed UTF-8 JSON value (what
/// Telegram's elements are), the neighbours survive and the input decodes there exactly when it decodes alone, to the
/// same value. (Malformed input can break out of its element — no reader can know where it was meant to end — so it
/// is only required not to crash.) Read as a whole answer, the offset moves past every id read.
private func checkBatches(_ input: Data, alone: TelegramUpdate?) {
    func answer(_ elements: [Data]) -> Data {
        Data(#"{"ok":true,"result":["#.utf8) + elements.joined(separator: Data(",".utf8)) + Data("]}".utf8)
    }
    let neighbour = Data(neighbourJSON.utf8)
    let batch = TelegramUpdateBatch.decode(responseBody: answer([neighbour, input, neighbour]))
    if isOneJSONValue(input, decoded: alone != nil) {
        guard let batch, batch.count == 3, batch.updates.first?.update_id == 1, batch.updates.last?.update_id == 1,
              (batch.updates.count == 3) == (alone != nil), alone.map({ $0 == batch.updates[1] }) ?? true
        else { fatalError("an element of a batch spoilt its neighbours or decoded differently") }
    }
    if let whole = TelegramUpdateBatch.decode(responseBody: input) {
        let ids = whole.updates.map(\.update_id) + whole.skipped.compactMap(\.updateId)
        let offset = whole.offset(confirming: 7)
        if let highest = ids.max(), !(offset.map { $0 > highest || $0 == .max } ?? false) {
            fatalError("the batch offset does not move past the highest id read")
        }
        if whole.skipped.contains(where: { $0.updateId == nil }), (offset ?? .min) < 7 + Int64(whole.count) {
            fatalError("the batch offset does not move past the unreadable updates")
        }
    }
}

/// Well-formed JSON in UTF-8: JSONSerialization accepts it, or JSONDecoder did (its structure is then well-formed
/// even when a text in it is not valid Unicode). Both also read UTF-16/32 and a byte-order mark, which cannot sit
/// inside a UTF-8 answer; a NUL byte never appears in UTF-8 JSON.
private func isOneJSONValue(_ input: Data, decoded: Bool) -> Bool {
    !input.contains(0) && !input.starts(with: [0xEF, 0xBB, 0xBF])
        && (decoded || (try? JSONSerialization.jsonObject(with: input, options: [.fragmentsAllowed])) != nil)
}

/// The translator's promises: the first modelled kind wins (message, edited message, callback query) and carries its
/// fields over; anything else is `unsupported` with `rawKind` the first other key cut to 64 characters, or "empty".
/// (A key "" gives an empty `rawKind`: Telegram sends no such key, so that is tolerated here and reported.)
private func checkKind(of inbound: InboundUpdate, from update: TelegramUpdate) {
    if let message = update.message ?? update.edited_message {
        let kind: InboundUpdate.Kind = update.message == nil ? .editedMessage : .message
        let original = message.text ?? message.caption
        let threadId = message.is_topic_message == true ? message.message_thread_id : nil
        guard inbound.kind == kind, inbound.messageId == message.message_id, inbound.chat?.id == message.chat.id,
              inbound.chat?.threadId == threadId, inbound.sender?.id == message.from?.id,
              (inbound.text == nil) == (original == nil), (inbound.text?.count ?? 0) <= (original?.count ?? 0),
              inbound.rawKind == nil, inbound.callback == nil, inbound.mediaGroupId == message.media_group_id,
              inbound.transcribed == nil
        else { fatalError("a \(kind.rawValue) update was translated wrongly") }
        let group = message.chat.type == "group" || message.chat.type == "supergroup"
        guard (inbound.addressedToBot != nil) == group else { fatalError("addressedToBot set outside a group") }
        checkAttachments(of: inbound, from: message)
    } else if let query = update.callback_query {
        guard inbound.kind == .callbackQuery, inbound.callback?.id == query.id, inbound.callback?.data == query.data,
              inbound.sender?.id == query.from.id, inbound.chat?.id == query.message?.chat.id,
              inbound.messageId == query.message?.message_id, inbound.text == nil, inbound.rawKind == nil,
              inbound.attachments == nil, inbound.addressedToBot == nil
        else { fatalError("a callback query was translated wrongly") }
    } else {
        guard inbound.kind == .unsupported, inbound.sender == nil, inbound.chat == nil, inbound.text == nil,
              inbound.attachments == nil, let rawKind = inbound.rawKind, rawKind.count <= 64,
              update.kinds.first.map({ $0 == rawKind || ($0.hasPrefix(rawKind) && rawKind.count == 64) })
                ?? (rawKind == "empty")
        else { fatalError("an unsupported update was translated wrongly") }
    }
}

/// At most one attachment, never with bytes (only the fetcher downloads); without a problem only when ingress will
/// fetch it: a document, photo or voice note of a new message, not known to be over the limit.
private func checkAttachments(of inbound: InboundUpdate, from message: TelegramMessage) {
    let file = IncomingFile(of: message, limit: limit)
    guard let attachments = inbound.attachments else {
        guard file == nil else { fatalError("a message's file was not described") }
        return
    }
    guard attachments.count == 1, let attachment = attachments.first, let file, attachment.kind == file.kind,
          attachment.data == nil, attachment.size == file.size
    else { fatalError("the attachment does not describe the message's file") }
    let fetchable = inbound.kind == .message && [.document, .photo, .voice].contains(file.kind)
        && (file.size ?? 0) <= Int64(limit)
    guard (attachment.problem == nil) == fetchable else { fatalError("an attachment's problem is wrong") }
}
