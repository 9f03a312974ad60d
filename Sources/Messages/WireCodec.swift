import Foundation

/// Encodes and decodes the frame set of one wire message: `[version, type, JSON body]`.
/// A ROUTER sees one more frame in front, the peer's routing id; the transport strips it.
public enum WireCodec {
    /// The protocol version this build speaks. Peers with another version are refused, not guessed at.
    public static let version: UInt8 = 1
    static let versionFrame = Data("GH\(version)".utf8)

    public static func encode<M: WireMessage>(_ message: M) throws(WireError) -> [Data] {
        let body: Data
        do {
            body = try encoder.encode(message)
        } catch {
            throw WireError(.malformedBody, "cannot encode \(M.type.rawValue): \(error)")
        }
        return [versionFrame, Data(M.type.rawValue.utf8), body]
    }

    /// Reads the version and type frames; leaves the body for `decode(_:from:)`.
    public static func envelope(of frames: [Data]) throws(WireError) -> Envelope {
        guard frames.count == 3 else {
            throw WireError(.wrongFrameCount, "expected 3 frames, got \(frames.count)")
        }
        guard frames[0] == versionFrame else {
            let shown = String(decoding: frames[0].prefix(16), as: UTF8.self)
            throw WireError(.unsupportedVersion, "unsupported protocol version frame \(shown.debugDescription)")
        }
        guard let name = String(data: frames[1], encoding: .utf8), let type = MessageType(rawValue: name) else {
            throw WireError(.unknownType, "unknown message type (\(frames[1].count) bytes)")
        }
        return Envelope(type: type, body: frames[2])
    }

    public static func decode<M: WireMessage>(_: M.Type, from envelope: Envelope) throws(WireError) -> M {
        guard envelope.type == M.type else {
            throw WireError(.unexpectedType, "expected \(M.type.rawValue), got \(envelope.type.rawValue)")
        }
        do {
            return try decoder.decode(M.self, from: envelope.body)
        } catch {
            throw WireError(.malformedBody, "cannot decode \(M.type.rawValue): \(describe(error))")
        }
    }

    public static func decode<M: WireMessage>(_ type: M.Type, from frames: [Data]) throws(WireError) -> M {
        try decode(type, from: envelope(of: frames))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    /// A decoding error described by its path, never by the data (which may hold user text or secrets).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return "invalid JSON at \(path(context.codingPath))"
        default:
            return "invalid body"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// The version and type of a received message, with its undecoded body.
public struct Envelope: Sendable {
    public let type: MessageType
    public let body: Data

    public init(type: MessageType, body: Data) {
        self.type = type
        self.body = body
    }
}

/// Why a frame set could not be read. `code` is stable; `message` is for logs and never holds message content.
public struct WireError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let wrongFrameCount = Code(name: "wrong_frame_count")
        public static let unsupportedVersion = Code(name: "unsupported_version")
        public static let unknownType = Code(name: "unknown_type")
        public static let unexpectedType = Code(name: "unexpected_type")
        public static let malformedBody = Code(name: "malformed_body")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
