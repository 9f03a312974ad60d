import Foundation
import Messages
import Telegram

// libFuzzer entry point for what ingress does with each update Telegram returns: decode it (`TelegramUpdate`, as
// `getUpdates` results are decoded, with a plain `JSONDecoder`), translate it (`UpdateTranslator`, compiled into this
// module by `Fuzz/run.sh`), and send it to the guard (`WireCodec`). `Telegram` here is built from
// its Codable types only (`Types.swift`, `MediaTypes.swift`): they do not need the HTTP client or libcurl.
//
// Input: the JSON of one update (seeds in `corpus/`, written by `Fuzz/make_seeds.py`). A broken invariant traps, so
// libFuzzer saves the input.

private let decoder = JSONDecoder()
private let receivedAt: EpochMillis = 1_700_000_000_123

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let update = try? decoder.decode(TelegramUpdate.self, from: Data(bytes: data, count: size)) else { return 0 }
    guard update.kinds == update.kinds.sorted(), !update.kinds.contains("update_id") else {
        fatalError("kinds are not the sorted keys besides update_id")
    }
    let inbound = UpdateTranslator.translate(update, receivedAt: receivedAt)
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

/// The translator's promises: the first modelled kind wins (message, edited message, callback query) and carries its
/// fields over; anything else is `unsupported` with `rawKind` the first other key cut to 64 characters, or "empty".
/// (A key "" gives an empty `rawKind`: Telegram sends no such key, so that is tolerated here and reported.)
private func checkKind(of inbound: InboundUpdate, from update: TelegramUpdate) {
    if let message = update.message ?? update.edited_message {
        let kind: InboundUpdate.Kind = update.message == nil ? .editedMessage : .message
        guard inbound.kind == kind, inbound.messageId == message.message_id, inbound.chat?.id == message.chat.id,
              inbound.chat?.threadId == (message.is_topic_message == true ? message.message_thread_id : nil),
              inbound.sender?.id == message.from?.id,
              inbound.text == (message.text ?? message.caption), inbound.rawKind == nil, inbound.callback == nil
        else { fatalError("a \(kind.rawValue) update was translated wrongly") }
    } else if let query = update.callback_query {
        guard inbound.kind == .callbackQuery, inbound.callback?.id == query.id, inbound.callback?.data == query.data,
              inbound.sender?.id == query.from.id, inbound.chat?.id == query.message?.chat.id,
              inbound.messageId == query.message?.message_id, inbound.text == nil, inbound.rawKind == nil
        else { fatalError("a callback query was translated wrongly") }
    } else {
        guard inbound.kind == .unsupported, inbound.sender == nil, inbound.chat == nil, inbound.text == nil,
              let rawKind = inbound.rawKind, rawKind.count <= 64,
              update.kinds.first.map({ $0 == rawKind || ($0.hasPrefix(rawKind) && rawKind.count == 64) })
                ?? (rawKind == "empty")
        else { fatalError("an unsupported update was translated wrongly") }
    }
}
