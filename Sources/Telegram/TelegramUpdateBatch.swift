import Foundation

/// One `getUpdates` answer, read element by element: an update that cannot be decoded (a bad `update_id`, nesting
/// deeper than the JSON parser allows, not an object) is skipped on its own instead of making the whole batch
/// unreadable, which would leave ingress asking for the same offset forever.
public struct TelegramUpdateBatch: Sendable, Equatable {
    /// An element that could not be decoded. Only its position and id are kept, never its content.
    public struct Skipped: Sendable, Equatable {
        public var index: Int
        /// Read from the element's top-level `update_id` member when that alone is a valid integer.
        public var updateId: Int64?
        /// `type_mismatch` (an element that is not an update object, or a bad `update_id`), `missing_value`, or
        /// `corrupted` (bad JSON, nested too deep).
        public var reason: String

        public init(index: Int, updateId: Int64?, reason: String) {
            self.index = index
            self.updateId = updateId
            self.reason = reason
        }
    }

    /// The decodable updates, in the order Telegram sent them.
    public var updates: [TelegramUpdate]
    public var skipped: [Skipped]

    public init(updates: [TelegramUpdate], skipped: [Skipped] = []) {
        self.updates = updates
        self.skipped = skipped
    }

    /// How many elements the batch had.
    public var count: Int { updates.count + skipped.count }

    /// Reads a `{"ok":true,"result":[…]}` body; nil when the body is not that (an error answer, or unreadable).
    public static func decode(responseBody body: Data) -> TelegramUpdateBatch? {
        let bytes = [UInt8](body)
        guard let members = JSONSlicer.members(ofObject: bytes),
              let ok = members.last(where: { $0.key.elementsEqual("ok".utf8) }),
              bytes[ok.value].elementsEqual("true".utf8),
              let result = members.last(where: { $0.key.elementsEqual("result".utf8) }),
              let elements = JSONSlicer.elements(ofArray: bytes, in: result.value)
        else { return nil }
        var batch = TelegramUpdateBatch(updates: [])
        let decoder = JSONDecoder()
        for (index, range) in elements.enumerated() {
            let element = Data(bytes[range])
            do {
                batch.updates.append(try decoder.decode(TelegramUpdate.self, from: element))
            } catch {
                batch.skipped.append(Skipped(index: index, updateId: updateId(in: element), reason: reason(for: error)))
            }
        }
        return batch
    }

    /// The offset that confirms this batch, given the offset it was requested with: past the highest update id
    /// read (skipped elements included). When some element's id is unreadable, also past `requested + count`:
    /// Telegram's ids strictly increase from `requested`, so the n-th element's id is at least `requested + n` and
    /// every update below `requested + count` was in this batch. nil when nothing tells how far to go (no
    /// readable id and no requested offset): the caller must ask again rather than guess.
    public func offset(confirming requested: Int64?) -> Int64? {
        let ids = updates.map(\.update_id) + skipped.compactMap(\.updateId)
        var next = ids.max().map(Self.successor)
        if let requested, skipped.contains(where: { $0.updateId == nil }) {
            let (sum, overflow) = requested.addingReportingOverflow(Int64(count))
            next = max(next ?? .min, overflow ? .max : sum)
        }
        return next
    }

    /// `id + 1`, saturating (an update with id Int64.max can only be confirmed along with everything before it).
    private static func successor(_ id: Int64) -> Int64 {
        id == .max ? .max : id + 1
    }

    private static func updateId(in element: Data) -> Int64? {
        let bytes = [UInt8](element)
        guard let member = JSONSlicer.members(ofObject: bytes)?.last(where: { $0.key.elementsEqual("update_id".utf8) })
        else { return nil }
        return try? JSONDecoder().decode(Int64.self, from: Data(bytes[member.value]))
    }

    private static func reason(for error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch?: "type_mismatch"
        case .keyNotFound?, .valueNotFound?: "missing_value"
        default: "corrupted"
        }
    }
}
