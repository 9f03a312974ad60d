import Foundation
import Logging

/// The fake's brain: routes each HTTP request, validates it against the spec, applies injected faults and
/// answers like Telegram. `@unchecked Sendable`: `state` is only read or written while holding `condition`,
/// which also wakes long polls when an update is queued.
final class FakeTelegramCore: @unchecked Sendable {
    /// What one call produced, before it is turned into an HTTP answer and recorded.
    enum Outcome {
        case success(FakeTelegramValue)
        /// `violation`: the bot did something real Telegram would refuse and a correct bot never does.
        case failure(status: Int, description: String, violation: Bool, retryAfter: Int? = nil)

        static func badRequest(_ description: String, violation: Bool = true) -> Outcome {
            .failure(status: 400, description: description, violation: violation)
        }
    }

    let token: String
    let spec: TelegramBotAPISpec
    let botUser: FakeTelegramUser
    let logger: Logger
    let condition = NSCondition()
    /// Held while a call other than a long poll takes effect and is recorded (see `settled`).
    private let committing = NSLock()
    var state = FakeTelegramState()

    /// How often a held long poll checks whether its client hung up.
    static let hangUpCheckInterval: TimeInterval = 0.05
    /// A retry this much earlier than retry_after still counts as on time (clock granularity).
    static let retryTolerance: TimeInterval = 0.05

    init(token: String, botUser: FakeTelegramUser, spec: TelegramBotAPISpec, logger: Logger) {
        self.token = token
        self.botUser = botUser
        self.spec = spec
        self.logger = logger
    }

    func locked<T>(_ body: (inout FakeTelegramState) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    /// Runs `body` under the lock and wakes any long poll (something they wait for may have changed).
    func lockedAndSignal<T>(_ body: (inout FakeTelegramState) -> T) -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&state)
    }

    // MARK: - Routing

    func handle(_ request: LoopbackHTTPRequest, peer: LoopbackHTTPPeer) -> LoopbackHTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.first == "file", segments.count >= 3 {
            return download(tokenSegment: String(segments.dropFirst().first ?? ""),
                            path: segments.dropFirst(2).joined(separator: "/"))
        }
        guard segments.count == 2, let tokenSegment = segments.first, tokenSegment.hasPrefix("bot"),
              let methodName = segments.last, !methodName.isEmpty
        else {
            let description = "Not Found"
            locked { state in state.violations.append("request to an unknown path (not /bot<token>/<method>)") }
            return .json(404, ["ok": false, "error_code": 404, "description": .string(description)])
        }
        let sentToken = String(tokenSegment.dropFirst(3))
        guard sentToken == token else {
            return finish(request, method: String(methodName), parameters: [:], encoding: "none",
                          outcome: .failure(status: 401, description: "Unauthorized", violation: true),
                          violationText: "call with a wrong bot token")
        }
        guard let method = spec.method(named: String(methodName)) else {
            return finish(request, method: String(methodName), parameters: [:], encoding: "none",
                          outcome: .failure(status: 404, description: "Not Found", violation: true),
                          violationText: "unknown method \"\(methodName)\"")
        }
        let decoded: FakeTelegramRequestParameters
        do {
            decoded = try FakeTelegramRequestParameters(request: request)
        } catch {
            return finish(request, method: method.name, parameters: [:], encoding: "none",
                          outcome: .badRequest(error.description))
        }
        var parameters = decoded.values
        // Files referenced as "attach://name" are carried by a part of that name, not a parameter.
        let attached = Set(parameters.values.flatMap { Self.attachReferences(in: $0) })
        for name in attached where parameters[name]?.fileValue != nil { parameters[name] = nil }
        let coerced: [String: FakeTelegramValue]
        switch spec.check(method: method, parameters: parameters, textual: decoded.textual) {
        case .success(let values): coerced = values
        case .failure(let issue):
            return finish(request, method: method.name, parameters: parameters, encoding: decoded.encoding,
                          outcome: .badRequest(issue.description))
        }
        if let fault = injectedFault(method: method.name, parameters: coerced) {
            return finish(request, method: method.name, parameters: coerced, encoding: decoded.encoding, outcome: fault)
        }
        if method.name == "getUpdates" {
            // A long poll waits on `condition`; it must not hold `committing` meanwhile.
            let outcome = perform(method: method.name, coerced, peer: peer)
            let response = finish(request, method: method.name, parameters: coerced, encoding: decoded.encoding, outcome: outcome)
            if case .success(.array(let batch)) = outcome, !batch.isEmpty { return injectingUndecodable(into: response) }
            return response
        }
        return committing.withLock {
            let outcome = perform(method: method.name, coerced, peer: peer)
            return finish(request, method: method.name, parameters: coerced, encoding: decoded.encoding, outcome: outcome)
        }
    }

    /// What tests read of the bot's calls and messages, never halfway through one: a message a call created is
    /// visible together with the call that created it.
    func settled<T>(_ body: (inout FakeTelegramState) -> T) -> T {
        committing.withLock { locked(body) }
    }

    /// Puts the raw elements queued by `FakeTelegramServer.injectUndecodableUpdate` at the front of this answer's
    /// result (once): text no `FakeTelegramValue` could hold, as a broken server or a parser limit would see it.
    private func injectingUndecodable(into response: LoopbackHTTPResponse) -> LoopbackHTTPResponse {
        let raw = locked { state -> [String] in
            defer { state.undecodableElements = [] }
            return state.undecodableElements
        }
        let prefix = Data(#"{"ok":true,"result":["#.utf8)
        guard !raw.isEmpty, response.body.starts(with: prefix) else { return response }
        var patched = response
        patched.body = prefix + Data(raw.map { $0 + "," }.joined().utf8) + response.body.dropFirst(prefix.count)
        return patched
    }

    private static func attachReferences(in value: FakeTelegramValue) -> [String] {
        switch value {
        case .string(let text):
            guard text.contains("attach://") else { return [] }
            return text.components(separatedBy: "attach://").dropFirst().map { rest in
                String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." })
            }
        case .array(let values): return values.flatMap(attachReferences(in:))
        case .object(let values): return values.values.flatMap(attachReferences(in:))
        default: return []
        }
    }

    /// Records the call (and the violation, if any) and builds the Telegram-shaped answer.
    func finish(
        _ request: LoopbackHTTPRequest, method: String, parameters: [String: FakeTelegramValue], encoding: String, outcome: Outcome,
        violationText: String? = nil
    ) -> LoopbackHTTPResponse {
        let response: LoopbackHTTPResponse
        var call = FakeTelegramCall(method: method, parameters: parameters, encoding: encoding, time: Date(),
                                    receivedAt: request.receivedAt, status: 200, errorDescription: nil)
        var violation: String?
        switch outcome {
        case .success(let result):
            response = .json(200, ["ok": true, "result": result])
            call.result = result
        case .failure(let status, let description, let isViolation, let retryAfter):
            var body: [String: FakeTelegramValue] = [
                "ok": false, "error_code": .integer(Int64(status)), "description": .string(description),
            ]
            if let retryAfter { body["parameters"] = ["retry_after": .integer(Int64(retryAfter))] }
            response = .json(status, .object(body))
            call.status = status
            call.errorDescription = description
            if isViolation { violation = "\(method): \(violationText ?? description)" }
        }
        lockedAndSignal { state in
            state.calls.append(call)
            if let violation { state.violations.append(violation) }
        }
        if let violation {
            logger.warning("Telegram API violation", metadata: ["telegram.method": "\(method)", "violation.text": "\(violation)"])
        }
        return response
    }

    // MARK: - Fault injection

    private func injectedFault(method: String, parameters: [String: FakeTelegramValue]) -> Outcome? {
        let chatId = parameters["chat_id"].flatMap(Self.chatIdentifier)
        return locked { state -> Outcome? in
            if let outage = state.outage {
                if outage.until > Date() {
                    return .failure(status: outage.failure.status, description: outage.failure.description, violation: false)
                }
                state.outage = nil
            }
            if var queue = state.injectedFailures[method], !queue.isEmpty {
                let failure = queue.removeFirst()
                state.injectedFailures[method] = queue
                return .failure(status: failure.status, description: failure.description, violation: false)
            }
            let now = Date()
            state.penalties.removeAll { $0.until.addingTimeInterval(-Self.retryTolerance) <= now }
            if let penalty = state.penalties.first(where: {
                $0.method == method && ($0.chatId == nil || $0.chatId == chatId)
            }) {
                let wait = max(1, Int(penalty.until.timeIntervalSince(now).rounded(.up)))
                return .failure(status: 429, description: "Too Many Requests: retry after \(wait)", violation: true,
                                retryAfter: wait)
            }
            if let index = state.rateLimits.firstIndex(where: {
                $0.method == method && $0.remaining > 0 && ($0.chatId == nil || $0.chatId == chatId)
            }) {
                state.rateLimits[index].remaining -= 1
                let rule = state.rateLimits[index]
                if rule.remaining == 0 { state.rateLimits.remove(at: index) }
                state.penalties.append(FakeTelegramState.Penalty(method: method, chatId: rule.chatId == nil ? nil : chatId,
                                               until: now.addingTimeInterval(TimeInterval(rule.retryAfter))))
                return .failure(status: 429, description: "Too Many Requests: retry after \(rule.retryAfter)",
                                violation: false, retryAfter: rule.retryAfter)
            }
            if FakeTelegramLimits.limitedMethods.contains(method), let chatId, state.limiter != nil,
                let wait = state.limiter?.admit(chatId: chatId, now: now)
            {
                // Over a flood limit: 429 now, and a retry before `wait` is over is an early retry (a violation).
                state.penalties.append(FakeTelegramState.Penalty(method: method, chatId: chatId, until: now.addingTimeInterval(TimeInterval(wait))))
                return .failure(status: 429, description: "Too Many Requests: retry after \(wait)", violation: false, retryAfter: wait)
            }
            return nil
        }
    }

    static func chatIdentifier(_ value: FakeTelegramValue) -> Int64? {
        switch value {
        case .integer(let id): return id
        case .string(let text): return Int64(text)
        default: return nil
        }
    }

    // MARK: - File downloads

    private func download(tokenSegment: String, path: String) -> LoopbackHTTPResponse {
        guard tokenSegment == "bot" + token else {
            locked { state in state.violations.append("file download with a wrong bot token") }
            return .json(401, ["ok": false, "error_code": 401, "description": "Unauthorized"])
        }
        let file = locked { state in state.filesById.values.first { $0.path == path } }
        guard let file else {
            return .json(404, ["ok": false, "error_code": 404, "description": "Not Found"])
        }
        return LoopbackHTTPResponse(status: 200, contentType: "application/octet-stream", body: file.bytes)
    }
}
