import Foundation

/// One request the bot made, as the fake understood it, and what it answered.
public struct FakeTelegramCall: Sendable {
    /// The method name as spelled by the spec (e.g. "sendMessage"), or as sent when unknown.
    public var method: String
    /// Parameters after decoding and coercion to the spec's types (form values become integers, objects, ...).
    public var parameters: [String: FakeTelegramValue]
    /// How the parameters arrived: "json", "form", "query", "multipart" or "none".
    public var encoding: String
    /// When the fake answered (after validating and carrying out the call).
    public var time: Date
    /// When the whole request had been read off the connection: the call had left the bot, none of the fake's own
    /// work yet.
    public var receivedAt: Date
    /// The HTTP status the fake answered with.
    public var status: Int
    /// The `description` of an error answer.
    public var errorDescription: String?
    /// The `result` of a successful answer (for getUpdates: the updates handed out, at `time`).
    public var result: FakeTelegramValue?

    public var succeeded: Bool { status == 200 }

    public subscript(parameter: String) -> FakeTelegramValue? { parameters[parameter] }
}
