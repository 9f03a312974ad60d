import Foundation
import Ingress
import Messages
import Telegram
import Testing

/// Replays the update-decoder fuzz corpus (`Fuzz/UpdateDecoderFuzz/corpus`, written by `Fuzz/make_seeds.py`): a seed
/// named `<kind>-…` must decode and translate to that kind, `rejected-…` must not decode; every translation keeps the
/// fuzz target's invariants and survives the wire to the guard.
@Suite struct UpdateDecoderCorpusTests {
    /// Found from this file's place in the repository (`Tests/IngressTests/`).
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/UpdateDecoderFuzz/corpus").standardizedFileURL
    static let seedNames = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()

    static let receivedAt: EpochMillis = 1_700_000_000_123

    @Test func corpusCoversEveryKindAndRejections() {
        let prefixes = Set(Self.seedNames.compactMap { $0.split(separator: "-").first.map(String.init) })
        #expect(prefixes == ["message", "edited_message", "callback_query", "unsupported", "rejected"])
    }

    @Test(arguments: seedNames)
    func seedTranslatesToTheKindItsNameSays(name: String) throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
        let expected = name.split(separator: "-").first.map(String.init) ?? ""
        guard let update = try? JSONDecoder().decode(TelegramUpdate.self, from: data) else {
            #expect(expected == "rejected", "\(name) did not decode")
            return
        }
        let inbound = try Self.translateAndSend(update)
        #expect(inbound.kind.rawValue == expected, "\(name) became \(inbound.kind.rawValue)")
    }

    @Test func megabyteTextPassesThroughWhole() throws {
        let text = String(repeating: "añ😀\u{202E}\n", count: 1 << 17)
        let quoted = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
        let json = #"{"update_id":77,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"date":1,"text":"#
            + quoted + "}}"
        let inbound = try Self.translateAndSend(JSONDecoder().decode(TelegramUpdate.self, from: Data(json.utf8)))
        #expect(inbound.kind == .message)
        #expect(inbound.text == text)
    }

    @Test func aMalformedMessageIsKeptAsUnsupportedNotDropped() throws {
        let inbound = try Self.translateAndSend(Self.decode(#"{"update_id":9,"message":{"message_id":"x","date":1}}"#))
        #expect(inbound == InboundUpdate(updateId: 9, receivedAt: Self.receivedAt, kind: .unsupported, rawKind: "message"))
    }

    @Test func aMalformedKnownKindDoesNotHideAReadableOne() throws {
        let inbound = try Self.translateAndSend(Self.decode(#"""
            {"update_id":10,"message":[1,2],
             "edited_message":{"message_id":3,"chat":{"id":4,"type":"group"},"date":1,"caption":"cap"}}
            """#))
        #expect(inbound.kind == .editedMessage)
        #expect(inbound.messageId == 3)
        #expect(inbound.chat == .init(id: 4, type: "group"))
        #expect(inbound.text == "cap")
        #expect(inbound.sender == nil)
    }

    @Test func aCallbackQueryWithoutMessageHasNoChat() throws {
        let inbound = try Self.translateAndSend(Self.decode(#"""
            {"update_id":11,"callback_query":{"id":"q","from":{"id":8,"is_bot":false,"first_name":"B"},"data":"n:1"}}
            """#))
        #expect(inbound.kind == .callbackQuery)
        #expect(inbound.callback == .init(id: "q", data: "n:1", messageId: nil))
        #expect(inbound.sender == .init(id: 8, isBot: false, username: nil, firstName: "B"))
        #expect(inbound.chat == nil)
        #expect(inbound.messageId == nil)
    }

    @Test func unknownKindsAreNamedShortly() throws {
        let long = String(repeating: "é", count: 200)
        let named = try Self.translateAndSend(Self.decode(#"{"update_id":12,"\#(long)":{},"öö":1}"#))
        #expect(named.rawKind == String(repeating: "é", count: 64))
        let empty = try Self.translateAndSend(Self.decode(#"{"update_id":13}"#))
        #expect(empty.rawKind == "empty")
        #expect(empty.kind == .unsupported)
    }

    /// Text JSON cannot carry as UTF-8 makes the message unreadable; the update is still kept, as unsupported.
    @Test func unreadableTextKeepsTheUpdateAsUnsupported() throws {
        let surrogate = try Self.translateAndSend(Self.decode(
            #"{"update_id":14,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"date":1,"text":"\ud800"}}"#))
        #expect(surrogate.kind == .unsupported)
        #expect(surrogate.rawKind == "message")
    }

    @Test func mediaSeedsAreDescribed() throws {
        let album = try Self.translateAndSend(Self.decode(String(decoding: Data(contentsOf: Self.corpus
            .appendingPathComponent("message-document-album.json")), as: UTF8.self)))
        #expect(album.attachments?.first?.kind == .document)
        #expect(album.attachments?.first?.problem == "too_large")  // 48213 bytes over this test's 10000
        #expect(album.mediaGroupId == "album-7")
        #expect(album.addressedToBot == true)
        #expect(album.text == "compare these")
        let reply = try Self.translateAndSend(Self.decode(String(decoding: Data(contentsOf: Self.corpus
            .appendingPathComponent("message-group-reply-to-bot.json")), as: UTF8.self)))
        #expect(reply.addressedToBot == true)
        #expect(reply.text == "/ls src")
        #expect(reply.chat?.threadId == 12)
        let malformed = try Self.translateAndSend(Self.decode(String(decoding: Data(contentsOf: Self.corpus
            .appendingPathComponent("message-malformed-media.json")), as: UTF8.self)))
        #expect(malformed.kind == .message)
        #expect(malformed.attachments == nil)
        #expect(malformed.mediaGroupId == nil)
    }

    @Test func updateIdsMustBeInt64() {
        for json in [#"{"update_id":"1"}"#, #"{"update_id":9223372036854775808}"#, #"{"update_id":null}"#, #"{}"#] {
            #expect(throws: DecodingError.self, "\(json)") { try Self.decode(json) }
        }
    }

    static func decode(_ json: String) throws -> TelegramUpdate {
        try JSONDecoder().decode(TelegramUpdate.self, from: Data(json.utf8))
    }

    /// Translates as ingress does and checks what holds for every update: same id and time, a short `rawKind` only
    /// for unsupported kinds, and an identical value after the wire to the guard.
    static func translateAndSend(_ update: TelegramUpdate) throws -> InboundUpdate {
        let inbound = UpdateTranslator.translate(
            update, receivedAt: receivedAt, bot: BotIdentity(id: 4242, username: "gate_bot"), downloadLimit: 10_000)
        #expect(inbound.updateId == update.update_id)
        // Files are described, never fetched, by the translator; addressing is a question only in groups.
        #expect(inbound.attachments?.allSatisfy { $0.data == nil } ?? true)
        #expect((inbound.attachments?.count ?? 0) <= 1)
        let chatType = (update.message ?? update.edited_message)?.chat.type
        #expect((inbound.addressedToBot != nil) == (chatType == "group" || chatType == "supergroup"))
        #expect(inbound.receivedAt == receivedAt)
        #expect((inbound.kind == .unsupported) == (inbound.rawKind != nil))
        #expect((inbound.rawKind?.count ?? 0) <= 64)
        #expect(update.kinds == update.kinds.sorted() && !update.kinds.contains("update_id"))
        #expect(try WireCodec.decode(InboundUpdate.self, from: WireCodec.encode(inbound)) == inbound)
        return inbound
    }
}
