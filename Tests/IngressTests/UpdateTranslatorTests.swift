import Foundation
import Ingress
import Messages
import Telegram
import Testing

/// What the translator makes of media, albums and group messages, from Bot API JSON as Telegram sends it.
@Suite struct UpdateTranslatorTests {
    static let bot = BotIdentity(id: 4242, username: "Gate_Bot")
    static let limit = 1000

    static func translate(_ messageFields: String, chat: String = #"{"id":5,"type":"private"}"#, edited: Bool = false)
        throws -> InboundUpdate
    {
        let json = #"{"update_id":70,"\#(edited ? "edited_message" : "message")":{"message_id":3,"date":1,"#
            + #""from":{"id":8,"is_bot":false,"first_name":"Ann"},"chat":\#(chat),\#(messageFields)}}"#
        let update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(json.utf8))
        let inbound = UpdateTranslator.translate(update, receivedAt: 1, bot: bot, downloadLimit: limit)
        #expect(try WireCodec.decode(InboundUpdate.self, from: WireCodec.encode(inbound)) == inbound)
        return inbound
    }

    static let group = #"{"id":-100,"type":"supergroup","title":"Team","is_forum":true}"#

    @Test func aDocumentIsDescribedForDownload() throws {
        let inbound = try Self.translate(#"""
            "caption":"read this","media_group_id":"album-1",
            "document":{"file_id":"D1","file_unique_id":"u","file_name":"notes.md","mime_type":"text/markdown","file_size":900}
            """#)
        #expect(inbound.text == "read this")
        #expect(inbound.mediaGroupId == "album-1")
        #expect(inbound.attachments == [.init(kind: .document, fileName: "notes.md", mimeType: "text/markdown", size: 900)])
        #expect(inbound.addressedToBot == nil)
    }

    @Test func aFileKnownToBeTooLargeIsMarkedSo() throws {
        let inbound = try Self.translate(#""document":{"file_id":"D1","file_unique_id":"u","file_size":1001}"#)
        #expect(inbound.attachments?.first?.problem == "too_large")
        #expect(inbound.attachments?.first?.data == nil)
    }

    @Test func thePhotoIsTheLargestSizeWithinTheLimit() throws {
        let inbound = try Self.translate(#"""
            "photo":[{"file_id":"S","file_unique_id":"a","width":90,"height":60,"file_size":100},
                     {"file_id":"M","file_unique_id":"b","width":320,"height":240,"file_size":700},
                     {"file_id":"L","file_unique_id":"c","width":1280,"height":960,"file_size":5000}]
            """#)
        #expect(inbound.attachments == [.init(kind: .photo, mimeType: "image/jpeg", size: 700)])
        let tooLarge = try Self.translate(#""photo":[{"file_id":"L","file_unique_id":"c","width":1280,"height":960,"file_size":5000}]"#)
        #expect(tooLarge.attachments?.first?.problem == "too_large")
    }

    @Test func voiceNotesWaitForTheFetcherAndOtherMediaAreOnlyDescribed() throws {
        let voice = try Self.translate(#""voice":{"file_id":"V","file_unique_id":"v","duration":2,"mime_type":"audio/ogg","file_size":300}"#)
        #expect(voice.attachments == [.init(kind: .voice, mimeType: "audio/ogg", size: 300)])
        let media: [(String, InboundUpdate.Attachment.Kind)] = [("audio", .audio), ("video", .video), ("animation", .animation)]
        for (field, kind) in media {
            let inbound = try Self.translate(#""\#(field)":{"file_id":"X","file_unique_id":"x","duration":1,"width":1,"height":1,"file_name":"a.bin","file_size":10}"#)
            #expect(inbound.attachments == [.init(kind: kind, fileName: "a.bin", size: 10, problem: "not_downloaded")], "\(field)")
        }
        let sticker = try Self.translate(#""sticker":{"file_id":"K","file_unique_id":"k","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}"#)
        #expect(sticker.attachments == [.init(kind: .sticker, problem: "not_downloaded")])
    }

    @Test func anEditedMessagesFileIsNotFetchedAgain() throws {
        let inbound = try Self.translate(#""document":{"file_id":"D1","file_unique_id":"u","file_size":9}"#, edited: true)
        #expect(inbound.kind == .editedMessage)
        #expect(inbound.attachments?.first?.problem == "not_downloaded")
    }

    @Test func aMalformedMediaFieldIsDroppedNotTheMessage() throws {
        let inbound = try Self.translate(#""text":"hi","document":{"file_id":7},"entities":"nope","reply_to_message":[1],"message_thread_id":"x""#)
        #expect(inbound.kind == .message)
        #expect(inbound.text == "hi")
        #expect(inbound.attachments == nil)
        #expect(inbound.chat?.threadId == nil)
    }

    @Test func aGroupMessageMentioningTheBotIsAddressedAndLosesTheMention() throws {
        let inbound = try Self.translate(
            #""text":"@gate_bot, fix the build","entities":[{"type":"mention","offset":0,"length":9}]"#, chat: Self.group)
        #expect(inbound.addressedToBot == true)
        #expect(inbound.text == "fix the build")
        let later = try Self.translate(
            #""text":"hey 👋 @GATE_BOT look","entities":[{"type":"mention","offset":7,"length":9}]"#, chat: Self.group)
        #expect(later.addressedToBot == true)
        #expect(later.text == "hey 👋 @GATE_BOT look")
    }

    @Test func mentionsOfOthersAndPlainChatterAreNotAddressed() throws {
        let other = try Self.translate(
            #""text":"@gate_bot_2 hi","entities":[{"type":"mention","offset":0,"length":11}]"#, chat: Self.group)
        #expect(other.addressedToBot == false)
        #expect(other.text == "@gate_bot_2 hi")
        let chatter = try Self.translate(#""text":"lunch?""#, chat: Self.group)
        #expect(chatter.addressedToBot == false)
        // An entity pointing outside the text is ignored, not trusted or crashed on.
        let broken = try Self.translate(#""text":"hi","entities":[{"type":"mention","offset":1,"length":99}]"#, chat: Self.group)
        #expect(broken.addressedToBot == false)
    }

    @Test func commandsAreAddressedUnlessTheyNameAnotherBot() throws {
        let plain = try Self.translate(#""text":"/ls src","entities":[{"type":"bot_command","offset":0,"length":3}]"#, chat: Self.group)
        #expect(plain.addressedToBot == true)
        #expect(plain.text == "/ls src")
        let ours = try Self.translate(#""text":"/ls@Gate_bot src","entities":[{"type":"bot_command","offset":0,"length":11}]"#, chat: Self.group)
        #expect(ours.addressedToBot == true)
        #expect(ours.text == "/ls src")
        let theirs = try Self.translate(#""text":"/ls@other_bot src","entities":[{"type":"bot_command","offset":0,"length":13}]"#, chat: Self.group)
        #expect(theirs.addressedToBot == false)
        #expect(theirs.text == "/ls@other_bot src")
    }

    @Test func repliesToTheBotAndTextMentionsAreAddressed() throws {
        let reply = try Self.translate(
            #""text":"and tests too","reply_to_message":{"message_id":2,"date":1,"chat":{"id":-100,"type":"supergroup"},"from":{"id":4242,"is_bot":true,"first_name":"Gate"}}"#,
            chat: Self.group)
        #expect(reply.addressedToBot == true)
        let replyToOther = try Self.translate(
            #""text":"and tests too","reply_to_message":{"message_id":2,"from":{"id":9,"is_bot":false,"first_name":"Bo"}}"#,
            chat: Self.group)
        #expect(replyToOther.addressedToBot == false)
        let textMention = try Self.translate(
            #""caption":"Gate, look","caption_entities":[{"type":"text_mention","offset":0,"length":4,"user":{"id":4242,"is_bot":true,"first_name":"Gate"}}]"#,
            chat: Self.group)
        #expect(textMention.addressedToBot == true)
    }

    @Test func forumTopicsKeepTheirThreadAndReplyThreadsDoNot() throws {
        let topic = try Self.translate(#""text":"/pwd","message_thread_id":77,"is_topic_message":true"#, chat: Self.group)
        #expect(topic.chat == .init(id: -100, type: "supergroup", threadId: 77))
        let replyThread = try Self.translate(#""text":"/pwd","message_thread_id":12"#, chat: Self.group)
        #expect(replyThread.chat?.threadId == nil)
    }
}
