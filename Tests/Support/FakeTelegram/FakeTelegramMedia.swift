import Foundation

/// Inbound messages beyond plain text: files (document, photo, voice note; albums through `mediaGroupId`) and
/// group messages that mention the bot, reply to it or sit in a forum topic. Files are registered so the bot can
/// fetch them with getFile and /file/bot<token>/<path>.
extension FakeTelegramServer {
    /// Queues a document. `declaredSize` overrides the `file_size` Telegram states (the served bytes stay `bytes`).
    @discardableResult
    public func enqueueDocument(
        from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, fileName: String, bytes: Data,
        mimeType: String = "application/octet-stream", caption: String? = nil, mediaGroupId: String? = nil,
        declaredSize: Int64? = nil
    ) -> Int64 {
        let file = core.locked { $0.storeFile(bytes: bytes, fileName: fileName) }
        let document: FakeTelegramValue = [
            "file_id": .string(file.fileId), "file_unique_id": .string(file.uniqueId), "file_name": .string(fileName),
            "mime_type": .string(mimeType), "file_size": .integer(declaredSize ?? Int64(bytes.count)),
        ]
        return core.enqueueMessage(from: user, chat: chat, caption: caption, fields: [
            "document": document, "media_group_id": mediaGroupId.map(FakeTelegramValue.string),
        ])
    }

    /// Queues a photo in two sizes, as Telegram sends them: a thumbnail (the first 16 bytes) and `bytes`.
    @discardableResult
    public func enqueuePhoto(
        from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, bytes: Data, caption: String? = nil,
        mediaGroupId: String? = nil
    ) -> Int64 {
        let (thumbnail, full) = core.locked { state in
            (state.storeFile(bytes: bytes.prefix(16), fileName: "thumb.jpg"), state.storeFile(bytes: bytes, fileName: "photo.jpg"))
        }
        let sizes: FakeTelegramValue = .array([(thumbnail, 90), (full, 1280)].map { file, width in
            ["file_id": .string(file.fileId), "file_unique_id": .string(file.uniqueId), "width": .integer(width),
             "height": .integer(width * 3 / 4), "file_size": .integer(Int64(file.bytes.count))]
        })
        return core.enqueueMessage(from: user, chat: chat, caption: caption, fields: [
            "photo": sizes, "media_group_id": mediaGroupId.map(FakeTelegramValue.string),
        ])
    }

    /// Queues a voice note (Ogg Opus, as Telegram records them).
    @discardableResult
    public func enqueueVoice(from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, bytes: Data, duration: Int64 = 3)
        -> Int64
    {
        let file = core.locked { $0.storeFile(bytes: bytes, fileName: "voice.oga") }
        return core.enqueueMessage(from: user, chat: chat, caption: nil, fields: [
            "voice": ["file_id": .string(file.fileId), "file_unique_id": .string(file.uniqueId),
                      "duration": .integer(duration), "mime_type": "audio/ogg",
                      "file_size": .integer(Int64(bytes.count))],
        ])
    }

    /// Queues a message of a kind the bot only describes: "audio", "video", "animation" or "sticker".
    @discardableResult
    public func enqueueMedia(from user: FakeTelegramUser, chat: FakeTelegramChat? = nil, kind: String, bytes: Data)
        -> Int64
    {
        let file = core.locked { $0.storeFile(bytes: bytes, fileName: "\(kind).bin") }
        var object: [String: FakeTelegramValue] = [
            "file_id": .string(file.fileId), "file_unique_id": .string(file.uniqueId),
            "file_size": .integer(Int64(bytes.count)),
        ]
        switch kind {
        case "sticker":
            object.merge(["type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false]) { $1 }
        case "audio":
            object["duration"] = 5
        default:
            object.merge(["width": 640, "height": 480, "duration": 5]) { $1 }
        }
        return core.enqueueMessage(from: user, chat: chat, caption: nil, fields: [kind: .object(object)])
    }

    /// Queues a text message in a group. Mentions (`@name`) and a leading command get their entities, as Telegram
    /// adds them; `replyTo` makes it a reply to that message of the bot; `topicId` puts it in a forum topic.
    @discardableResult
    public func enqueueGroupMessage(
        from user: FakeTelegramUser, chat: FakeTelegramChat, text: String, replyTo botMessageId: Int64? = nil,
        topicId: Int64? = nil
    ) -> Int64 {
        var fields: [String: FakeTelegramValue?] = ["text": .string(text), "entities": Self.entities(of: text)]
        if let botMessageId {
            fields["reply_to_message"] = [
                "message_id": .integer(botMessageId), "from": core.botUser.telegramObject, "chat": chat.telegramObject(),
                "date": .integer(Int64(Date().timeIntervalSince1970)),
            ]
        }
        if let topicId {
            fields["message_thread_id"] = .integer(topicId)
            fields["is_topic_message"] = .bool(true)
        }
        return core.enqueueMessage(from: user, chat: chat, caption: nil, fields: fields)
    }

    /// `bot_command` for a leading "/word", `mention` for every "@name" (offsets in UTF-16 units, as Telegram's).
    static func entities(of text: String) -> FakeTelegramValue? {
        var entities: [FakeTelegramValue] = []
        let units = Array(text.utf16)
        var index = 0
        func isNameUnit(_ unit: UInt16) -> Bool {
            (48...57).contains(unit) || (65...90).contains(unit) || (97...122).contains(unit) || unit == 95
        }
        let at = UInt16(UInt8(ascii: "@"))
        while index < units.count {
            let unit = units[index]
            let isCommand = index == 0 && unit == UInt16(UInt8(ascii: "/"))
            let isMention = unit == at && (index == 0 || !isNameUnit(units[index - 1]))
            guard isCommand || isMention else {
                index += 1
                continue
            }
            var end = index + 1
            // A command may name its bot ("/ls@bot"); a mention is one name.
            while end < units.count, isNameUnit(units[end]) || (isCommand && units[end] == at) { end += 1 }
            if end > index + 1 {
                entities.append(["type": .string(isCommand ? "bot_command" : "mention"), "offset": .integer(Int64(index)),
                                 "length": .integer(Int64(end - index))])
            }
            index = end
        }
        return entities.isEmpty ? nil : .array(entities)
    }
}

extension FakeTelegramCore {
    /// Queues a message from `user` with `fields` (nil values left out) and a caption with its entities.
    func enqueueMessage(
        from user: FakeTelegramUser, chat: FakeTelegramChat?, caption: String?, fields: [String: FakeTelegramValue?]
    ) -> Int64 {
        let chat = chat ?? .privateChat(with: user)
        let messageId = locked { state -> Int64 in
            state.remember(chat: chat, user: user)
            let id = state.newMessageId(in: chat.id)
            state.userMessageIds[chat.id, default: []].insert(id)
            return id
        }
        var message: [String: FakeTelegramValue] = [
            "message_id": .integer(messageId), "from": user.telegramObject, "chat": chat.telegramObject(user: user),
            "date": .integer(Int64(Date().timeIntervalSince1970)),
        ]
        if let caption {
            message["caption"] = .string(caption)
            message["caption_entities"] = FakeTelegramServer.entities(of: caption)
        }
        for case (let name, let value?) in fields { message[name] = value }
        return enqueue(["message": .object(message)])
    }
}
