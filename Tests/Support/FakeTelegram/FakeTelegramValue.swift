import Foundation

/// A file part uploaded with `multipart/form-data`.
public struct FakeTelegramUploadedFile: Sendable, Equatable {
    public var fileName: String
    public var contentType: String?
    public var bytes: Data

    public init(fileName: String, contentType: String? = nil, bytes: Data) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// A JSON-ish value: what the bot sent as a parameter, what the fake answers, and the updates it queues.
/// `file` only appears in parameters that arrived as a multipart file part.
public enum FakeTelegramValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case float(Double)
    case string(String)
    case array([FakeTelegramValue])
    case object([String: FakeTelegramValue])
    case file(FakeTelegramUploadedFile)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [FakeTelegramValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: FakeTelegramValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var fileValue: FakeTelegramUploadedFile? {
        if case .file(let value) = self { return value }
        return nil
    }

    public subscript(key: String) -> FakeTelegramValue? {
        objectValue?[key]
    }

    /// Parses JSON text; `nil` when it is not valid JSON.
    public static func parse(json: Data) -> FakeTelegramValue? {
        try? JSONDecoder().decode(FakeTelegramValue.self, from: json)
    }

    public static func parse(json: String) -> FakeTelegramValue? {
        parse(json: Data(json.utf8))
    }

    /// Converts a Foundation JSON object (`[String: Any]`, arrays, numbers, strings); `nil` if it is not JSON.
    public static func from(foundation object: Any) -> FakeTelegramValue? {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return parse(json: data)
    }

    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public func jsonString() -> String {
        String(decoding: jsonData(), as: UTF8.self)
    }
}

extension FakeTelegramValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .float(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FakeTelegramValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FakeTelegramValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .float(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .file(let value): try container.encode("<file \(value.fileName), \(value.bytes.count) bytes>")
        }
    }
}

extension FakeTelegramValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: FakeTelegramValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, FakeTelegramValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
