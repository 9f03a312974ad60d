import ArgumentParser
import Egress
import Foundation
import Logging
import Messages
import Settings
import TestSupport
import Transport

/// Replies to many chats under Telegram's flood limits: the real egress service (pacing, rendering, splitting, HTTP)
/// against the fake Bot API emulating the limits. This process plays the guard on the delivery link, one reply in
/// flight per chat, as the guard does. Prints the total time against the theoretical minimum under the limits, and
/// the 429s Telegram answered.
struct DeliveryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delivery", abstract: "Replies to many chats under flood limits.")

    @Option(help: "Replies to send.") var replies = 1_000
    @Option(help: "Chats (a fifth of them groups).") var chats = 50
    @Option(help: "Random seed for the mix of sizes.") var seed: UInt64 = 42

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "bench.delivery")
        let token = "123456789:AAbench-token-0123456789abcdefghij"
        let telegram = FakeTelegramServer(token: token)
        try await telegram.start()
        let limits = FakeTelegramLimits()
        telegram.emulateLimits(limits)
        let chatIds: [Int64] = (0..<chats).map { index in index % 5 == 4 ? -1_000_000_000_000 - Int64(index) : 7_000 + Int64(index) }
        for id in chatIds {
            telegram.registerChat(FakeTelegramChat(id: id, type: id < 0 ? "supergroup" : "private", title: id < 0 ? "group \(id)" : nil))
        }

        let directory = "/tmp/ghb-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let endpoint = "ipc://\(directory)/delivery.sock"
        let context = try ZMQContext()
        let router = try RouterSocket(context: context, bind: [endpoint], logger: logger)
        var configuration = EgressConfiguration(telegramBaseURL: telegram.baseURL, botToken: Secret(token), guardEndpoint: endpoint, egressId: "bench-egress")
        configuration.capacity = 64
        let egress = Task { try await EgressService(configuration: configuration, context: context, logger: logger).run() }

        // The mix: mostly short answers, some medium, a few long enough to be split.
        var generator = SeededGenerator(seed: seed)
        var queues: [Int64: [Delivery]] = [:]
        for index in 0..<replies {
            let chat = chatIds[index % chatIds.count]
            let size = Int.random(in: 0..<10, using: &generator)
            let length = size < 6 ? Int.random(in: 40...400, using: &generator)
                : size < 9 ? Int.random(in: 800...3_000, using: &generator) : Int.random(in: 5_000...9_000, using: &generator)
            queues[chat, default: []].append(Delivery(
                deliveryId: "reply-\(index)", kind: .message, chatId: chat, text: Self.markdown(length: length, index: index),
                format: .markdown))
        }

        var egressPeer: PeerID?
        var inFlight: Set<Int64> = []
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var results: [DeliveryResult] = []
        var started: ContinuousClock.Instant?
        func sendNext(_ chat: Int64, to peer: PeerID) async throws {
            guard !inFlight.contains(chat), var queue = queues[chat], !queue.isEmpty else { return }
            let delivery = queue.removeFirst()
            queues[chat] = queue
            inFlight.insert(chat)
            sentAt[delivery.deliveryId] = .now
            try await router.send(try WireCodec.encode(delivery), to: peer)
        }
        for await message in router.messages {
            guard let envelope = try? WireCodec.envelope(of: message.frames) else { continue }
            switch envelope.type {
            case .egressReady, .heartbeat:
                try await router.send(try WireCodec.encode(Heartbeat(senderId: "bench", sentAt: Date().epochMillis, registered: true)), to: message.peer)
                if egressPeer == nil {
                    egressPeer = message.peer
                    started = .now
                    for chat in chatIds { try await sendNext(chat, to: message.peer) }
                }
            case .deliveryResult:
                let result = try WireCodec.decode(DeliveryResult.self, from: envelope)
                guard let index = Int(result.deliveryId.dropFirst("reply-".count)) else { continue }
                let chat = chatIds[index % chatIds.count]
                inFlight.remove(chat)
                if result.status == .sent { results.append(result) } else {
                    // Re-send as the guard would (retry), keeping the chat's order.
                    queues[chat, default: []].insert(Delivery(deliveryId: result.deliveryId, kind: .message, chatId: chat,
                                                              text: Self.markdown(length: 100, index: index), format: .markdown), at: 0)
                }
                if let peer = egressPeer { try await sendNext(chat, to: peer) }
            default:
                continue
            }
            if results.count == replies { break }
        }
        let elapsed = started.map { ContinuousClock.now - $0 } ?? .zero
        egress.cancel()
        await router.close()
        await context.terminate()

        // What Telegram received, and the fastest any sender could have done it under the same limits.
        let sends = telegram.calls.filter { FakeTelegramLimitsNames.counted.contains($0.method) }
        let accepted = sends.filter(\.succeeded)
        var perChat: [Int64: Int] = [:]
        for call in accepted { if let id = call.parameters["chat_id"]?.integerValue { perChat[id, default: 0] += 1 } }
        let minimum = Self.minimumSeconds(perChat: perChat, limits: limits)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let tooMany = sends.filter { $0.status == 429 }
        let firstAt = tooMany.first?.time
        let after = tooMany.dropFirst().count
        let table: [(String, String)] = [
            ("replies delivered", "\(results.count) to \(chatIds.count) chats (\(chatIds.filter { $0 < 0 }.count) groups)"),
            ("Telegram messages", "\(accepted.count) (long replies split)"),
            ("total time", String(format: "%.2f s", seconds)),
            ("theoretical minimum", String(format: "%.2f s", minimum)),
            ("ratio (target ≤ 1.10)", String(format: "%.3f", seconds / max(minimum, 0.001))),
            ("429 received", "\(tooMany.count) (after the first: \(after); target 0)\(firstAt.map { _ in "" } ?? "")"),
            ("429 in groups", "\(tooMany.filter { ($0.parameters["chat_id"]?.integerValue ?? 0) < 0 }.count)"),
            ("spec violations", "\(telegram.violations.count)"),
        ]
        print("\nGatehouse delivery benchmark — real egress vs fake Bot API with emulated flood limits")
        print("limits: \(limits.perChatPerSecond)/s per chat (burst \(Int(limits.perChatBurst))), \(Int(limits.perGroupPerMinute))/min per group, \(Int(limits.globalPerSecond))/s global")
        for (name, value) in table { print(name.padding(toLength: 24, withPad: " ", startingAt: 0) + value) }
        await telegram.stop()
    }

    /// The longest any single limit forces: each chat's own queue, each group's, and everything through the global one.
    static func minimumSeconds(perChat: [Int64: Int], limits: FakeTelegramLimits) -> Double {
        var bound = max(0, Double(perChat.values.reduce(0, +)) - limits.globalBurst) / limits.globalPerSecond
        for (chat, count) in perChat {
            let chatBound = max(0, Double(count) - limits.perChatBurst) / limits.perChatPerSecond
            let groupBound = chat < 0 ? max(0, Double(count) - limits.perGroupBurst) / (limits.perGroupPerMinute / 60) : 0
            bound = max(bound, chatBound, groupBound)
        }
        return bound
    }

    static func markdown(length: Int, index: Int) -> String {
        var text = "**Reply \(index)**\n\n"
        var paragraph = 0
        while text.count < length {
            paragraph += 1
            text += paragraph % 4 == 0
                ? "```swift\nlet x\(paragraph) = \"<\(paragraph)>\"\n```\n\n"
                : "Paragraph \(paragraph) with `code`, <tags> & entities, and some words to fill the line.\n\n"
        }
        return text
    }
}

enum FakeTelegramLimitsNames {
    static let counted: Set<String> = ["sendMessage", "sendDocument", "editMessageText", "deleteMessage"]
}

/// SplitMix64: a repeatable mix of sizes.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
