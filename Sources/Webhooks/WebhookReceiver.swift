import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messages
import Synchronization

/// The HTTP side of the receiver: `POST /webhooks/<name>` and `GET /healthz`. Every request is checked in order of
/// cost — rate limit, hook name, a secret for it, size, the body's arrival, its signature, JSON — and answered by
/// the receiver itself when a check fails; only an authentic delivery reaches the guard, and the sender gets a 2xx
/// only once the guard acknowledged it.
final class WebhookReceiver: Sendable {
    private let configuration: WebhooksConfiguration
    private let authenticator: WebhookAuthenticator
    private let forwarder: WebhookForwarder
    private let limiter: Mutex<SenderRateLimiter>
    private let tally: SharedRefusalTally
    private let guardReachable: @Sendable () -> Bool
    private let logger: Logger

    init(
        configuration: WebhooksConfiguration, forwarder: WebhookForwarder, tally: SharedRefusalTally,
        guardReachable: @escaping @Sendable () -> Bool, logger: Logger
    ) {
        self.configuration = configuration
        authenticator = WebhookAuthenticator(githubSecret: configuration.githubSecret, apiSecret: configuration.apiSecret)
        self.forwarder = forwarder
        limiter = Mutex(SenderRateLimiter(perMinute: configuration.rateLimitPerMinute, maxSenders: configuration.maxTrackedSenders))
        self.tally = tally
        self.guardReachable = guardReachable
        self.logger = logger
    }

    func addRoutes(to router: Router<WebhookRequestContext>) {
        router.post("/webhooks/:hook") { request, context in
            await self.receive(request, context: context)
        }
        router.get("/healthz") { _, _ in
            self.guardReachable()
                ? Self.answer(.ok, ["status": "ok"]) : Self.answer(.serviceUnavailable, ["status": "guard_unreachable"])
        }
    }

    private func receive(_ request: Request, context: WebhookRequestContext) async -> Response {
        let receivedAt = Date().epochMillis
        let sender = context.senderAddress
        let rawHook = context.parameters.get("hook") ?? ""
        let hook = WebhookHookName.isValid(rawHook) ? rawHook : "(invalid)"
        guard limiter.withLock({ $0.allow(sender, now: .now) }) else {
            return await refuseUnread(.rateLimited, hook: hook, sender: sender, request, context)
        }
        guard hook == rawHook else { return await refuseUnread(.unknownHook, hook: hook, sender: sender, request, context) }
        guard authenticator.hasSecret(for: hook) else {
            return await refuseUnread(.noSecret, hook: hook, sender: sender, request, context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes,
            // Not worth reading at all when it says so itself and is far over (a drained upload still costs bandwidth).
            length > 4 * configuration.maxBodyBytes
        {
            context.channel.close(mode: .input, promise: nil)
            return refuse(.tooLarge, hook: hook, sender: sender)
        }

        let body: Data
        switch await BodyReader.read(
            request.body, limit: configuration.maxBodyBytes, deadline: configuration.bodyDeadline, channel: context.channel)
        {
        case .complete(let data): body = data
        case .tooLarge, .timedOut(tooLarge: true): return refuse(.tooLarge, hook: hook, sender: sender)
        case .timedOut(tooLarge: false): return refuse(.timeout, hook: hook, sender: sender)
        }

        let delivery: WebhookAuthenticator.Delivery
        switch authenticator.authenticate(hook: hook, body: body, header: { name in
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }) {
        case .success(let authentic): delivery = authentic
        case .failure(let reason): return refuse(reason, hook: hook, sender: sender)
        }
        guard (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil else {
            return refuse(.badJSON, hook: hook, sender: sender)
        }

        let metadata: Logger.Metadata = ["webhook.hook": "\(hook)", "webhook.delivery": "\(delivery.deliveryId)"]
        let event = WebhookEvent(
            hook: hook, deliveryId: delivery.deliveryId, event: delivery.event, payload: body, receivedAt: receivedAt)
        guard let ack = await forwarder.deliver(event) else {
            logger.warning("the guard did not acknowledge a webhook delivery in time; the sender will retry", metadata: metadata)
            return Self.answer(.serviceUnavailable, ["status": "unavailable"])
        }
        logger.info("webhook delivery acknowledged", metadata: metadata.merging([
            "webhook.event": "\(delivery.event ?? "-")", "webhook.outcome": "\(ack.outcome.rawValue)", "webhook.runs": "\(ack.runs)",
        ]) { $1 })
        switch ack.outcome {
        case .accepted, .ignored: return Self.answer(.accepted, ["status": ack.outcome.rawValue])
        case .duplicate: return Self.answer(.ok, ["status": ack.outcome.rawValue])
        case .refused:
            let reason = ack.reason ?? "refused"
            return Self.answer(ack.refusalReason == .unknownHook ? .notFound : .forbidden, ["status": "refused", "reason": reason])
        }
    }

    /// Refuses before the body was read: it is read and dropped first (under the same deadline), because the server
    /// would otherwise drain it after the answer with no deadline at all, and closing at once would reset the
    /// connection before the sender read the answer.
    private func refuseUnread(
        _ reason: WebhookRefusalReason, hook: String, sender: String, _ request: Request, _ context: WebhookRequestContext
    ) async -> Response {
        _ = await BodyReader.read(request.body, limit: 0, deadline: configuration.bodyDeadline, channel: context.channel)
        return refuse(reason, hook: hook, sender: sender)
    }

    /// Counts the refusal for the next report to the guard and answers it; the body is never logged.
    private func refuse(_ reason: WebhookRefusalReason, hook: String, sender: String) -> Response {
        tally.record(hook: hook, reason: reason, sender: sender, now: Date().epochMillis)
        logger.debug("refused a webhook request", metadata: [
            "webhook.hook": "\(hook)", "webhook.reason": "\(reason.rawValue)", "webhook.sender": "\(sender)",
        ])
        return Response(
            status: HTTPResponse.Status(code: reason.status), headers: Self.jsonHeaders,
            body: .init(byteBuffer: Self.refusalBodies[reason] ?? ByteBuffer()))
    }

    private static func answer(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: json(fields))))
    }

    private static func json(_ fields: [String: String]) -> Data {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
    /// Made once: a flood of bad requests is answered without encoding anything.
    private static let refusalBodies = Dictionary(uniqueKeysWithValues: WebhookRefusalReason.allCases.map { reason in
        (reason, ByteBuffer(bytes: json(["status": "refused", "reason": reason.rawValue])))
    })
}
