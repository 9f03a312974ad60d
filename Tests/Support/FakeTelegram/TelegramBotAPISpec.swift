import Foundation

/// The machine-readable Bot API (api.json) and the type checks the fake applies to every call.
public struct TelegramBotAPISpec: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var types: [String]
        public var required: Bool
    }

    public struct Method: Sendable {
        public var name: String
        public var fields: [Field]
        public var returns: [String]
    }

    enum TypeShape: Sendable {
        case fields([Field])
        case oneOf([String])
        /// A type the spec describes without fields (InputFile, CallbackGame): any object is accepted.
        case opaque
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var code: String
        public var message: String
        public var description: String { "\(code): \(message)" }
    }

    public let version: String
    public let methods: [String: Method]
    let methodsByLowercasedName: [String: Method]
    let types: [String: TypeShape]

    /// The copy of api.json bundled with TestSupport, parsed once per process.
    public static func bundled() throws -> TelegramBotAPISpec {
        try bundledSpec.get()
    }

    private static let bundledSpec: Result<TelegramBotAPISpec, LoadError> = {
        guard let url = Bundle.module.url(
            forResource: "api", withExtension: "json", subdirectory: "Fixtures/telegram-bot-api")
        else {
            return .failure(LoadError(code: "spec.missing", message: "api.json is not in the TestSupport bundle"))
        }
        do {
            return .success(try TelegramBotAPISpec(data: Data(contentsOf: url)))
        } catch let error as LoadError {
            return .failure(error)
        } catch {
            return .failure(LoadError(code: "spec.unreadable", message: "api.json cannot be read: \(error)"))
        }
    }()

    /// Just the parts of api.json the checks need (decoding into typed structs is much faster than generic JSON).
    private struct SpecDocument: Decodable {
        struct FieldEntry: Decodable {
            var name: String
            var types: [String]
            var required: Bool?
        }
        struct MethodEntry: Decodable {
            var fields: [FieldEntry]?
            var returns: [String]?
        }
        struct TypeEntry: Decodable {
            var fields: [FieldEntry]?
            var subtypes: [String]?
        }
        var version: String?
        var methods: [String: MethodEntry]
        var types: [String: TypeEntry]
    }

    public init(data: Data) throws {
        let document: SpecDocument
        do {
            document = try JSONDecoder().decode(SpecDocument.self, from: data)
        } catch {
            throw LoadError(code: "spec.malformed", message: "api.json does not have the expected shape: \(error)")
        }
        func fields(_ entries: [SpecDocument.FieldEntry]?) -> [Field] {
            (entries ?? []).map { Field(name: $0.name, types: $0.types, required: $0.required ?? false) }
        }
        var methods: [String: Method] = [:]
        for (name, entry) in document.methods {
            methods[name] = Method(name: name, fields: fields(entry.fields), returns: entry.returns ?? [])
        }
        var types: [String: TypeShape] = [:]
        for (name, entry) in document.types {
            if let subtypes = entry.subtypes {
                types[name] = .oneOf(subtypes)
            } else if entry.fields != nil {
                types[name] = .fields(fields(entry.fields))
            } else {
                types[name] = .opaque
            }
        }
        self.version = document.version ?? "unknown"
        self.methods = methods
        self.types = types
        self.methodsByLowercasedName = Dictionary(
            methods.values.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Telegram matches method names case-insensitively.
    public func method(named name: String) -> Method? {
        methodsByLowercasedName[name.lowercased()]
    }

    public func isKnownType(_ name: String) -> Bool { types[name] != nil }

    /// Checks the parameters of a call and converts them to the spec's types.
    /// `textual` names the parameters that arrived as form fields, query items or multipart parts: their values
    /// are text (objects and arrays JSON-serialized), as Telegram expects. Values from a JSON body must use native
    /// JSON types, except that objects and arrays may also be JSON-serialized strings.
    /// Returns the coerced parameters, or the first problem as a Telegram-like description.
    public func check(
        method: Method, parameters: [String: FakeTelegramValue], textual: Set<String>
    ) -> Result<[String: FakeTelegramValue], FakeTelegramSpecIssue> {
        let known = Dictionary(method.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in parameters.keys.sorted() where known[name] == nil {
            return .failure(FakeTelegramSpecIssue(
                description: "Bad Request: unknown parameter \"\(name)\" for method \(method.name)"))
        }
        var coerced: [String: FakeTelegramValue] = [:]
        for field in method.fields {
            guard let value = parameters[field.name] else {
                if field.required {
                    return .failure(FakeTelegramSpecIssue(
                        description: "Bad Request: required parameter \"\(field.name)\" is missing"))
                }
                continue
            }
            switch coerce(value, to: field.types, path: field.name, stringly: textual.contains(field.name)) {
            case .success(let value): coerced[field.name] = value
            case .failure(let issue): return .failure(issue)
            }
        }
        return .success(coerced)
    }

    /// Checks a value against a list of alternative spec types ("Integer", "Array of String", "ReplyParameters").
    func coerce(
        _ value: FakeTelegramValue, to alternatives: [String], path: String, stringly: Bool
    ) -> Result<FakeTelegramValue, FakeTelegramSpecIssue> {
        var firstIssue: FakeTelegramSpecIssue?
        for type in alternatives {
            switch coerce(value, to: type, path: path, stringly: stringly) {
            case .success(let value): return .success(value)
            case .failure(let issue): firstIssue = firstIssue ?? issue
            }
        }
        if alternatives.count > 1 {
            return .failure(FakeTelegramSpecIssue(
                description: "Bad Request: field \"\(path)\" must be of type \(alternatives.joined(separator: " or "))"
                    + (firstIssue.map { " (\($0.description))" } ?? "")))
        }
        return .failure(firstIssue ?? FakeTelegramSpecIssue(description: "Bad Request: field \"\(path)\" is invalid"))
    }

    private func mismatch(_ path: String, _ type: String) -> Result<FakeTelegramValue, FakeTelegramSpecIssue> {
        .failure(FakeTelegramSpecIssue(description: "Bad Request: field \"\(path)\" must be of type \(type)"))
    }

    private func coerce(
        _ value: FakeTelegramValue, to type: String, path: String, stringly: Bool
    ) -> Result<FakeTelegramValue, FakeTelegramSpecIssue> {
        switch (type, value) {
        case ("Integer", .integer): return .success(value)
        case ("Integer", .string(let text)) where stringly:
            return Int64(text).map { .success(.integer($0)) } ?? mismatch(path, type)
        case ("Float", .float), ("Float", .integer): return .success(value)
        case ("Float", .string(let text)) where stringly:
            return Double(text).map { .success(.float($0)) } ?? mismatch(path, type)
        case ("Boolean", .bool), ("True", .bool): return .success(value)
        case ("Boolean", .string(let text)) where stringly, ("True", .string(let text)) where stringly:
            switch text.lowercased() {
            case "true", "1": return .success(.bool(true))
            case "false", "0": return .success(.bool(false))
            default: return mismatch(path, type)
            }
        case ("String", .string): return .success(value)
        case ("InputFile", .file), ("InputFile", .string): return .success(value)
        case ("Integer", _), ("Float", _), ("Boolean", _), ("True", _), ("String", _), ("InputFile", _):
            return mismatch(path, type)
        default: break
        }
        // Arrays and objects: from form fields (or as a string in JSON) they come JSON-serialized.
        var structured = value
        if case .string(let text) = value {
            guard let parsed = FakeTelegramValue.parse(json: text) else { return mismatch(path, type) }
            structured = parsed
        }
        if type.hasPrefix("Array of ") {
            let elementType = String(type.dropFirst("Array of ".count))
            guard case .array(let elements) = structured else { return mismatch(path, type) }
            var coerced: [FakeTelegramValue] = []
            for (index, element) in elements.enumerated() {
                switch coerce(element, to: elementType, path: "\(path)[\(index)]", stringly: false) {
                case .success(let value): coerced.append(value)
                case .failure(let issue): return .failure(issue)
                }
            }
            return .success(.array(coerced))
        }
        guard let shape = types[type] else { return mismatch(path, type) }
        guard case .object(let object) = structured else { return mismatch(path, type) }
        switch shape {
        case .opaque:
            return .success(structured)
        case .oneOf(let subtypes):
            return coerce(structured, to: subtypes, path: path, stringly: false)
        case .fields(let fields):
            let known = Set(fields.map(\.name))
            for name in object.keys.sorted() where !known.contains(name) {
                return .failure(FakeTelegramSpecIssue(
                    description: "Bad Request: field \"\(path).\(name)\" is not a field of \(type)"))
            }
            var coerced: [String: FakeTelegramValue] = [:]
            for field in fields {
                guard let fieldValue = object[field.name] else {
                    if field.required {
                        return .failure(FakeTelegramSpecIssue(
                            description: "Bad Request: field \"\(path).\(field.name)\" of \(type) is missing"))
                    }
                    continue
                }
                switch coerce(fieldValue, to: field.types, path: "\(path).\(field.name)", stringly: false) {
                case .success(let value): coerced[field.name] = value
                case .failure(let issue): return .failure(issue)
                }
            }
            return .success(.object(coerced))
        }
    }
}

/// Why a call does not match the spec, phrased as Telegram's `description`.
public struct FakeTelegramSpecIssue: Error, Sendable, Equatable {
    public var description: String
}
