import Messages

/// One entry of the append-only audit log. `hash` commits to the entry and to `prevHash`.
/// Entries name a person by `subject`, a random pseudonym the ledger maps to the user id in a separate table, and
/// the detail of an entry about a person is sealed with that person's own key (`AuditDetailSeal`): erasing someone
/// (`/forgetme`) deletes the mapping and the key, so their entries stay, chain intact, but nothing in them can be
/// read or tied to them any more. (Entries written before pseudonyms existed carry `userId` instead.)
public struct AuditRecord: Codable, Sendable, Equatable {
    public var seq: Int64?
    public var at: EpochMillis
    public var userId: Int64?
    public var subject: String?
    public var event: String
    /// As stored and hashed: sealed for entries about a person.
    public var detail: String
    public var prevHash: String
    public var hash: String
    /// `detail` opened with its person's key when read (not stored); "[erased]" once that key is gone.
    public var openedDetail: String? = nil

    /// What the entry says, opened where it can be.
    public var text: String { openedDetail ?? detail }

    enum CodingKeys: String, CodingKey {
        case seq, at, userId, subject, event, detail, prevHash, hash
    }

    public init(
        seq: Int64? = nil, at: EpochMillis, userId: Int64? = nil, subject: String? = nil, event: String, detail: String,
        prevHash: String, hash: String, openedDetail: String? = nil
    ) {
        self.seq = seq
        self.at = at
        self.userId = userId
        self.subject = subject
        self.event = event
        self.detail = detail
        self.prevHash = prevHash
        self.hash = hash
        self.openedDetail = openedDetail
    }
}

/// An audit event before it is chained (the ledger assigns `prevHash`, `hash` and `seq` when it appends).
public struct AuditEvent: Sendable, Equatable {
    public var at: EpochMillis
    /// Who acted (or was refused).
    public var userId: Int64?
    public var event: AuditEventName
    public var detail: String
    /// The person the entry is about when that is not its actor (an admin blocking someone, a button of someone
    /// else's): the detail is sealed with that person's key, so erasing them unlinks it too.
    public var about: Int64?

    public init(at: EpochMillis, userId: Int64?, event: AuditEventName, detail: String, about: Int64? = nil) {
        self.at = at
        self.userId = userId
        self.event = event
        self.detail = detail
        self.about = about
    }
}
