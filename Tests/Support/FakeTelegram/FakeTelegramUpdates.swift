import Foundation

/// The update queue: what the bot receives through `getUpdates`, with offsets, limits and long polls.
extension FakeTelegramCore {
    /// Update kinds `allowed_updates` may name: every field of Update except update_id.
    static let updateKinds: Set<String> = [
        "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
        "business_message", "edited_business_message", "deleted_business_messages", "guest_message",
        "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query",
        "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
        "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost", "managed_bot",
    ]
    /// Telegram's default when allowed_updates was never set: everything but these.
    static let optInUpdateKinds: Set<String> = ["chat_member", "message_reaction", "message_reaction_count"]

    /// Queues an update (assigning update_id when absent), remembers the chats it mentions, wakes long polls.
    func enqueue(_ update: [String: FakeTelegramValue]) -> Int64 {
        lockedAndSignal { state in
            var update = update
            let id: Int64
            if let given = update["update_id"]?.integerValue {
                id = given
                state.nextUpdateId = max(state.nextUpdateId, given + 1)
            } else {
                id = state.nextUpdateId
                state.nextUpdateId += 1
                update["update_id"] = .integer(id)
            }
            let kind = update.keys.sorted().first { $0 != "update_id" } ?? "unknown"
            Self.rememberChats(in: .object(update), state: &state)
            state.pendingUpdates.append(.init(id: id, kind: kind, value: .object(update)))
            return id
        }
    }

    private static func rememberChats(in value: FakeTelegramValue, state: inout FakeTelegramState) {
        switch value {
        case .object(let object):
            if let chatValue = object["chat"], let chat = FakeTelegramChat(telegramObject: chatValue),
               state.chats[chat.id] == nil {
                state.chats[chat.id] = chat
            }
            for nested in object.values { rememberChats(in: nested, state: &state) }
        case .array(let values):
            for nested in values { rememberChats(in: nested, state: &state) }
        default: break
        }
    }

    func getUpdates(_ parameters: [String: FakeTelegramValue], peer: LoopbackHTTPPeer) -> Outcome {
        let offset = parameters["offset"]?.integerValue
        var limit = Int(parameters["limit"]?.integerValue ?? 100)
        var limitViolation: String?
        if !(1...100).contains(limit) {
            limitViolation = "getUpdates: limit \(limit) is outside 1-100 (Telegram clamps it)"
            limit = min(max(limit, 1), 100)
        }
        let timeout = max(0, parameters["timeout"]?.integerValue ?? 0)
        let allowed = parameters["allowed_updates"]?.arrayValue?.compactMap(\.stringValue)
        if let allowed, let unknown = allowed.first(where: { !Self.updateKinds.contains($0) }) {
            return .badRequest("Bad Request: unknown update type \"\(unknown)\" in allowed_updates")
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))

        condition.lock()
        defer { condition.unlock() }
        if let limitViolation { state.violations.append(limitViolation) }
        guard state.activeLongPolls == 0 else {
            return .failure(status: 409,
                            description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                            violation: true)
        }
        if let allowed { state.allowedUpdates = allowed.isEmpty ? nil : Set(allowed) }
        if let offset { confirm(offset: offset) }
        var batch = deliverable(limit: limit)
        if batch.isEmpty, timeout > 0 {
            state.activeLongPolls += 1
            defer { state.activeLongPolls -= 1 }
            while batch.isEmpty, !state.stopped, Date() < deadline {
                _ = condition.wait(until: min(deadline, Date().addingTimeInterval(Self.hangUpCheckInterval)))
                if peer.hasHungUp {
                    return .failure(status: 499, description: "client closed the long poll", violation: false)
                }
                batch = deliverable(limit: limit)
            }
        }
        return .success(.array(batch))
    }

    /// Drops every update below `offset` (a negative offset keeps only the last -offset updates).
    private func confirm(offset: Int64) {
        if offset < 0 {
            let keep = Int(min(Int64(state.pendingUpdates.count), -offset))
            state.pendingUpdates.removeFirst(state.pendingUpdates.count - keep)
            if let first = state.pendingUpdates.first { state.confirmedOffset = max(state.confirmedOffset, first.id) }
            return
        }
        state.confirmedOffset = max(state.confirmedOffset, offset)
        let confirmed = state.confirmedOffset
        state.pendingUpdates.removeAll { $0.id < confirmed }
    }

    private func deliverable(limit: Int) -> [FakeTelegramValue] {
        let allowed = state.allowedUpdates
        return state.pendingUpdates.lazy.filter { update in
            if let allowed { return allowed.contains(update.kind) }
            return !Self.optInUpdateKinds.contains(update.kind)
        }.prefix(limit).map(\.value)
    }

    // MARK: - Building updates

    /// A text message; a leading command and every @mention get their entities, as Telegram adds them.
    func enqueueMessage(from user: FakeTelegramUser, chat: FakeTelegramChat?, text: String) -> Int64 {
        enqueueMessage(from: user, chat: chat, caption: nil, fields: [
            "text": .string(text), "entities": FakeTelegramServer.entities(of: text),
        ])
    }

    func enqueueCallbackQuery(from user: FakeTelegramUser, chat: FakeTelegramChat?, messageId: Int64, data: String)
        -> Int64 {
        let chat = chat ?? .privateChat(with: user)
        let (queryId, original) = locked { state -> (String, FakeTelegramMessage?) in
            state.remember(chat: chat, user: user)
            let id = "\(user.id)\(state.nextCallbackQueryNumber)"
            state.nextCallbackQueryNumber += 1
            state.callbackQueries[id] = false
            let original = state.botMessages[chat.id]?.first { $0.messageId == messageId }
            return (id, original)
        }
        var message: [String: FakeTelegramValue] = [
            "message_id": .integer(messageId), "from": botUser.telegramObject, "chat": chat.telegramObject(user: user),
            "date": .integer(Int64(Date().timeIntervalSince1970)),
        ]
        if let text = original?.plainText ?? original?.text { message["text"] = .string(text) }
        if let markup = original?.replyMarkup { message["reply_markup"] = markup }
        return enqueue(["callback_query": [
            "id": .string(queryId), "from": user.telegramObject, "message": .object(message),
            "chat_instance": .string("fake-\(chat.id)"), "data": .string(data),
        ]])
    }
}
