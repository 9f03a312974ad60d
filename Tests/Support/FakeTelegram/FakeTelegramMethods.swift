import Foundation

/// What each modelled Bot API method does, with the semantic rules Telegram enforces beyond types.
extension FakeTelegramCore {
    /// Telegram compares parse modes case-insensitively.
    static let parseModes: Set<String> = ["html", "markdownv2", "markdown"]
    static let chatActions: Set<String> = [
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
        "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    ]

    func perform(method: String, _ parameters: [String: FakeTelegramValue], peer: LoopbackHTTPPeer) -> Outcome {
        switch method {
        case "getUpdates": return getUpdates(parameters, peer: peer)
        case "getMe": return .success(botUser.telegramObject)
        case "deleteWebhook", "logOut", "close": return .success(true)
        case "sendMessage": return sendMessage(parameters)
        case "editMessageText": return editMessage(parameters, textChange: true)
        case "editMessageReplyMarkup": return editMessage(parameters, textChange: false)
        case "sendDocument": return sendFile(parameters, kind: "document")
        case "sendPhoto": return sendFile(parameters, kind: "photo")
        case "deleteMessage": return deleteMessage(parameters)
        case "sendChatAction": return sendChatAction(parameters)
        case "sendMessageDraft": return sendMessageDraft(parameters)
        case "answerCallbackQuery": return answerCallbackQuery(parameters)
        case "setMyCommands": return setMyCommands(parameters)
        case "getFile": return getFile(parameters)
        default:
            return .failure(status: 501, description: "Not Implemented: the fake does not model \(method)",
                            violation: true)
        }
    }

    // MARK: - Shared checks

    /// The chat named by `chat_id`, if the fake has seen it.
    func knownChat(_ parameters: [String: FakeTelegramValue]) -> Result<FakeTelegramChat, FakeTelegramSpecIssue> {
        guard let id = parameters["chat_id"].flatMap(Self.chatIdentifier),
              let chat = locked({ $0.chats[id] })
        else { return .failure(FakeTelegramSpecIssue(description: "Bad Request: chat not found")) }
        return .success(chat)
    }

    /// Checks `parse_mode` and the length after entity parsing; returns the text as the user reads it,
    /// or the failure to answer ("can't parse entities" is not a violation: the bot should resend as plain text).
    func checkFormatted(
        _ text: String, parseMode: String?, limit: Int, emptyAllowed: Bool, what: String
    ) -> Result<String, FakeTelegramSpecIssue> {
        var plain = text
        if let parseMode {
            guard Self.parseModes.contains(parseMode.lowercased()) else {
                return .failure(FakeTelegramSpecIssue(description: "Bad Request: unsupported parse_mode \"\(parseMode)\""))
            }
            if parseMode.lowercased() == "html" {
                switch FakeTelegramHTMLParser.plainText(of: text) {
                case .success(let parsed): plain = parsed
                case .failure(let failure):
                    return .failure(FakeTelegramSpecIssue(description: "Bad Request: can't parse entities: \(failure.reason)"))
                }
            }
        }
        if !emptyAllowed, plain.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(FakeTelegramSpecIssue(description: "Bad Request: \(what) is empty"))
        }
        if plain.utf16.count > limit {
            return .failure(FakeTelegramSpecIssue(
                description: what == "message text" ? "Bad Request: message is too long"
                    : "Bad Request: message caption is too long"))
        }
        return .success(plain)
    }

    static func isEntityFailure(_ issue: FakeTelegramSpecIssue) -> Bool {
        issue.description.hasPrefix("Bad Request: can't parse entities")
    }

    func formattingFailure(_ issue: FakeTelegramSpecIssue) -> Outcome {
        .badRequest(issue.description, violation: !Self.isEntityFailure(issue))
    }

    /// Telegram's rules for inline keyboards: callback_data 1-64 bytes, and every button does exactly one thing.
    func checkReplyMarkup(_ markup: FakeTelegramValue?) -> FakeTelegramSpecIssue? {
        guard let rows = markup?["inline_keyboard"]?.arrayValue else { return nil }
        for row in rows {
            for button in row.arrayValue ?? [] {
                guard let fields = button.objectValue else { continue }
                if let data = fields["callback_data"]?.stringValue, data.utf8.isEmpty || data.utf8.count > 64 {
                    return FakeTelegramSpecIssue(description: "Bad Request: BUTTON_DATA_INVALID")
                }
                let actions = fields.keys.filter { !["text", "icon_custom_emoji_id", "style"].contains($0) }
                if actions.count != 1 {
                    return FakeTelegramSpecIssue(description:
                        "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used")
                }
            }
        }
        return nil
    }

    func messageObject(_ message: FakeTelegramMessage, chat: FakeTelegramChat, extra: [String: FakeTelegramValue])
        -> FakeTelegramValue {
        let user = locked { $0.privateChatUsers[chat.id] }
        var object: [String: FakeTelegramValue] = [
            "message_id": .integer(message.messageId), "from": botUser.telegramObject,
            "chat": chat.telegramObject(user: user), "date": .integer(Int64(Date().timeIntervalSince1970)),
        ]
        if let text = message.text { object["text"] = .string(message.plainText ?? text) }
        if let caption = message.caption { object["caption"] = .string(caption) }
        if let markup = message.replyMarkup { object["reply_markup"] = markup }
        if message.editCount > 0 { object["edit_date"] = .integer(Int64(Date().timeIntervalSince1970)) }
        return .object(object.merging(extra) { _, new in new })
    }

    // MARK: - Sending

    private func sendMessage(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let chat: FakeTelegramChat
        switch knownChat(parameters) {
        case .success(let found): chat = found
        case .failure(let issue): return .badRequest(issue.description)
        }
        let text = parameters["text"]?.stringValue ?? ""
        let parseMode = parameters["parse_mode"]?.stringValue
        let plain: String
        switch checkFormatted(text, parseMode: parseMode, limit: 4096, emptyAllowed: false, what: "message text") {
        case .success(let parsed): plain = parsed
        case .failure(let issue): return formattingFailure(issue)
        }
        if let issue = checkReplyMarkup(parameters["reply_markup"]) { return .badRequest(issue.description) }
        let message = locked { state -> FakeTelegramMessage in
            let message = FakeTelegramMessage(
                messageId: state.newMessageId(in: chat.id), chatId: chat.id, kind: "text", text: text,
                plainText: plain, caption: nil, parseMode: parseMode, replyMarkup: parameters["reply_markup"],
                fileName: nil, fileBytes: nil, fileReference: nil, editCount: 0, deleted: false)
            state.botMessages[chat.id, default: []].append(message)
            return message
        }
        return .success(messageObject(message, chat: chat, extra: [:]))
    }

    private func sendFile(_ parameters: [String: FakeTelegramValue], kind: String) -> Outcome {
        let chat: FakeTelegramChat
        switch knownChat(parameters) {
        case .success(let found): chat = found
        case .failure(let issue): return .badRequest(issue.description)
        }
        let caption = parameters["caption"]?.stringValue
        let parseMode = parameters["parse_mode"]?.stringValue
        if let caption {
            if case .failure(let issue) = checkFormatted(
                caption, parseMode: parseMode, limit: 1024, emptyAllowed: true, what: "message caption") {
                return formattingFailure(issue)
            }
        }
        if let issue = checkReplyMarkup(parameters["reply_markup"]) { return .badRequest(issue.description) }
        let upload = parameters[kind]?.fileValue
        let reference = parameters[kind]?.stringValue
        if let upload, upload.bytes.isEmpty {
            return .badRequest("Bad Request: file must be non-empty")
        }
        let (message, stored) = locked { state -> (FakeTelegramMessage, FakeTelegramState.StoredFile?) in
            let stored = upload.map { state.storeFile(bytes: $0.bytes, fileName: $0.fileName) }
                ?? reference.flatMap { state.filesById[$0] }
            let message = FakeTelegramMessage(
                messageId: state.newMessageId(in: chat.id), chatId: chat.id, kind: kind, text: nil, plainText: nil,
                caption: caption, parseMode: parseMode, replyMarkup: parameters["reply_markup"],
                fileName: upload?.fileName, fileBytes: upload?.bytes ?? stored?.bytes, fileReference: reference,
                editCount: 0, deleted: false)
            state.botMessages[chat.id, default: []].append(message)
            return (message, stored)
        }
        let fileId = FakeTelegramValue.string(stored?.fileId ?? reference ?? "FAKEFILE")
        let uniqueId = FakeTelegramValue.string(stored?.uniqueId ?? "FAKEUNIQUE")
        let size = FakeTelegramValue.integer(Int64(stored?.bytes.count ?? 0))
        let extra: [String: FakeTelegramValue]
        if kind == "photo" {
            extra = ["photo": [["file_id": fileId, "file_unique_id": uniqueId, "width": 640, "height": 480,
                                "file_size": size]]]
        } else {
            var document: [String: FakeTelegramValue] = ["file_id": fileId, "file_unique_id": uniqueId, "file_size": size]
            if let name = upload?.fileName { document["file_name"] = .string(name) }
            if let type = upload?.contentType { document["mime_type"] = .string(type) }
            extra = ["document": .object(document)]
        }
        return .success(messageObject(message, chat: chat, extra: extra))
    }

    private func sendChatAction(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        if case .failure(let issue) = knownChat(parameters) { return .badRequest(issue.description) }
        guard let action = parameters["action"]?.stringValue, Self.chatActions.contains(action) else {
            return .badRequest("Bad Request: wrong parameter action in request")
        }
        return .success(true)
    }

    private func sendMessageDraft(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let chat: FakeTelegramChat
        switch knownChat(parameters) {
        case .success(let found): chat = found
        case .failure(let issue): return .badRequest(issue.description)
        }
        guard chat.type == "private" else { return .badRequest("Bad Request: drafts can be sent only to private chats") }
        if let text = parameters["text"]?.stringValue,
           case .failure(let issue) = checkFormatted(
               text, parseMode: parameters["parse_mode"]?.stringValue, limit: 4096, emptyAllowed: false,
               what: "message text") {
            return formattingFailure(issue)
        }
        return .success(true)
    }

    // MARK: - Editing and deleting

    private func editMessage(_ parameters: [String: FakeTelegramValue], textChange: Bool) -> Outcome {
        if parameters["inline_message_id"] != nil { return .success(true) }
        let chat: FakeTelegramChat
        switch knownChat(parameters) {
        case .success(let found): chat = found
        case .failure(let issue): return .badRequest(issue.description)
        }
        guard let messageId = parameters["message_id"]?.integerValue else {
            return .badRequest("Bad Request: message identifier is not specified")
        }
        let newMarkup = parameters["reply_markup"]
        if let issue = checkReplyMarkup(newMarkup) { return .badRequest(issue.description) }
        var text: String?
        var plain: String?
        let parseMode = parameters["parse_mode"]?.stringValue
        if textChange {
            guard let sent = parameters["text"]?.stringValue else { return .badRequest("Bad Request: text is empty") }
            switch checkFormatted(sent, parseMode: parseMode, limit: 4096, emptyAllowed: false, what: "message text") {
            case .success(let parsed): plain = parsed
            case .failure(let issue): return formattingFailure(issue)
            }
            text = sent
        }
        let edited = locked { state -> Result<FakeTelegramMessage, FakeTelegramSpecIssue> in
            guard let index = state.botMessages[chat.id]?.firstIndex(where: { $0.messageId == messageId && !$0.deleted }),
                  var message = state.botMessages[chat.id]?[index]
            else { return .failure(FakeTelegramSpecIssue(description: "Bad Request: message to edit not found")) }
            if textChange, message.kind != "text" {
                return .failure(FakeTelegramSpecIssue(description: "Bad Request: there is no text in the message to edit"))
            }
            let sameText = !textChange || (message.plainText == plain && message.text == text)
            if sameText, message.replyMarkup == newMarkup {
                return .failure(FakeTelegramSpecIssue(description:
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly"
                        + " the same as a current content and reply markup of the message"))
            }
            if textChange {
                message.text = text
                message.plainText = plain
                message.parseMode = parseMode
            }
            message.replyMarkup = newMarkup
            message.editCount += 1
            state.botMessages[chat.id]?[index] = message
            return .success(message)
        }
        switch edited {
        case .success(let message): return .success(messageObject(message, chat: chat, extra: [:]))
        case .failure(let issue):
            return .badRequest(issue.description, violation: !issue.description.contains("message is not modified"))
        }
    }

    private func deleteMessage(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let chat: FakeTelegramChat
        switch knownChat(parameters) {
        case .success(let found): chat = found
        case .failure(let issue): return .badRequest(issue.description)
        }
        let messageId = parameters["message_id"]?.integerValue ?? 0
        let deleted = locked { state -> Bool in
            if let index = state.botMessages[chat.id]?.firstIndex(where: { $0.messageId == messageId && !$0.deleted }) {
                state.botMessages[chat.id]?[index].deleted = true
                return true
            }
            return state.userMessageIds[chat.id]?.remove(messageId) != nil
        }
        return deleted ? .success(true) : .badRequest("Bad Request: message to delete not found")
    }

    // MARK: - Other methods

    private func answerCallbackQuery(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let id = parameters["callback_query_id"]?.stringValue ?? ""
        if let text = parameters["text"]?.stringValue, text.count > 200 {
            return .badRequest("Bad Request: MESSAGE_TOO_LONG")
        }
        let answered = locked { state -> Bool in
            guard state.callbackQueries[id] == false else { return false }
            state.callbackQueries[id] = true
            return true
        }
        return answered ? .success(true)
            : .badRequest("Bad Request: query is too old and response timeout expired or query ID is invalid")
    }

    private func setMyCommands(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let commands = parameters["commands"]?.arrayValue ?? []
        guard commands.count <= 100 else { return .badRequest("Bad Request: too many commands") }
        for command in commands {
            let name = command["command"]?.stringValue ?? ""
            let description = command["description"]?.stringValue ?? ""
            let validName = (1...32).contains(name.count)
                && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            guard validName else { return .badRequest("Bad Request: BOT_COMMAND_INVALID") }
            guard (1...256).contains(description.count) else {
                return .badRequest("Bad Request: command description must be 1-256 characters")
            }
        }
        let scope = parameters["scope"]
        if scope?["type"]?.stringValue == "chat" {
            let chatId = scope?["chat_id"].flatMap(Self.chatIdentifier)
            guard let chatId, locked({ $0.chats[chatId] != nil }) else {
                return .badRequest("Bad Request: chat not found", violation: false)
            }
        }
        locked { state in
            state.commands = parameters["commands"]
            state.commandsByScope[Self.scopeKey(scope)] = parameters["commands"]
        }
        return .success(true)
    }

    /// "default", or the scope's type and chat, e.g. "chat:42".
    static func scopeKey(_ scope: FakeTelegramValue?) -> String {
        guard let type = scope?["type"]?.stringValue else { return "default" }
        guard let chatId = scope?["chat_id"].flatMap(chatIdentifier) else { return type }
        return "\(type):\(chatId)"
    }

    private func getFile(_ parameters: [String: FakeTelegramValue]) -> Outcome {
        let id = parameters["file_id"]?.stringValue ?? ""
        guard let file = locked({ $0.filesById[id] }) else {
            return .badRequest("Bad Request: invalid file_id")
        }
        return .success(["file_id": .string(file.fileId), "file_unique_id": .string(file.uniqueId),
                         "file_size": .integer(Int64(file.bytes.count)), "file_path": .string(file.path)])
    }
}
