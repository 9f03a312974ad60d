import Crypto
import Foundation
import Messages

/// The audit log is a hash chain: each entry's hash covers its fields and the previous entry's hash, so editing
/// or deleting any entry breaks every hash after it.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// `actor` is the entry's subject (pseudonym), or its user id for entries written before pseudonyms, or "-".
    public static func hash(prevHash: String, at: EpochMillis, actor: String, event: String, detail: String) -> String {
        // Length-prefixed fields: no choice of field contents can make two different entries hash alike.
        var hasher = SHA256()
        for field in [prevHash, String(at), actor, event, detail] {
            var field = field
            field.withUTF8 { utf8 in
                var length = "\(utf8.count):"
                length.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(utf8))
            }
        }
        return Hex.lowercase(hasher.finalize())
    }

    /// Chains an event under `subject`, the pseudonym of its person (nil when it has none).
    public static func chain(_ event: AuditEvent, subject: String?, after prevHash: String) -> AuditRecord {
        AuditRecord(
            seq: nil, at: event.at, userId: nil, subject: subject, event: event.event.rawValue, detail: event.detail,
            prevHash: prevHash,
            hash: hash(prevHash: prevHash, at: event.at, actor: subject ?? "-", event: event.event.rawValue, detail: event.detail)
        )
    }

    /// A fresh random pseudonym: it says nothing about the person, so deleting its mapping really forgets them.
    static func newSubject() -> String {
        var random = SystemRandomNumberGenerator()
        let bits: UInt64 = random.next()
        return "p-" + withUnsafeBytes(of: bits) { Hex.lowercase($0) }
    }

    static func actor(of record: AuditRecord) -> String {
        record.subject ?? record.userId.map(String.init) ?? "-"
    }

    public struct Break: Error, Equatable, CustomStringConvertible {
        public var seq: Int64
        public var reason: String
        public var description: String { "audit chain broken at entry \(seq): \(reason)" }

        public init(seq: Int64, reason: String) {
            self.seq = seq
            self.reason = reason
        }
    }

    /// Checks a run of consecutive entries that follows `prevHash`.
    public static func verify(_ records: [AuditRecord], after prevHash: String, firstSeq: Int64) -> Break? {
        var expectedPrev = prevHash
        var expectedSeq = firstSeq
        for record in records {
            let seq = record.seq ?? -1
            if seq != expectedSeq {
                return Break(seq: expectedSeq, reason: "entry missing (next entry is \(seq))")
            }
            if record.prevHash != expectedPrev {
                return Break(seq: seq, reason: "does not follow the previous entry")
            }
            let recomputed = hash(
                prevHash: record.prevHash, at: record.at, actor: actor(of: record), event: record.event, detail: record.detail)
            if recomputed != record.hash {
                return Break(seq: seq, reason: "content was changed")
            }
            expectedPrev = record.hash
            expectedSeq += 1
        }
        return nil
    }
}
