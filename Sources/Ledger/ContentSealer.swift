/// Seals the fields that hold what people wrote or were sent (prompts, replies, tool inputs, uploads) before they
/// reach the database, and opens them when read. Without a cipher it passes everything through.
package struct ContentSealer: Sendable {
    package let cipher: ContentCipher?

    package func sealed(_ job: JobRecord) throws -> JobRecord { try seal(job, \.prompt) }
    package func opened(_ job: JobRecord) throws -> JobRecord { try open(job, \.prompt) }
    package func sealed(_ entry: OutboxRecord) throws -> OutboxRecord { try seal(entry, \.text) }
    package func opened(_ entry: OutboxRecord) throws -> OutboxRecord { try open(entry, \.text) }
    package func sealed(_ entry: SessionHistoryRecord) throws -> SessionHistoryRecord { try seal(entry, \.firstPrompt) }
    package func opened(_ entry: SessionHistoryRecord) throws -> SessionHistoryRecord { try open(entry, \.firstPrompt) }
    package func sealed(_ file: JobFileRecord) throws -> JobFileRecord { try seal(file, \.data) }
    package func opened(_ file: JobFileRecord) throws -> JobFileRecord { try open(file, \.data) }
    package func sealed(_ approval: ApprovalRecord) throws -> ApprovalRecord { try seal(approval, \.input) }
    package func opened(_ approval: ApprovalRecord) throws -> ApprovalRecord { try open(approval, \.input) }
    package func sealed(_ schedule: ScheduleRecord) throws -> ScheduleRecord { try seal(schedule, \.prompt) }
    package func opened(_ schedule: ScheduleRecord) throws -> ScheduleRecord { try open(schedule, \.prompt) }
    package func sealed(_ tool: JobToolRecord) throws -> JobToolRecord { try seal(tool, \.summary) }
    package func opened(_ tool: JobToolRecord) throws -> JobToolRecord { try open(tool, \.summary) }

    /// Empty fields stay empty: "nothing stored" must read back as nothing, not as a sealed empty string.
    private func seal<Record>(_ record: Record, _ field: WritableKeyPath<Record, String>) throws -> Record {
        guard let cipher, !record[keyPath: field].isEmpty else { return record }
        var copy = record
        copy[keyPath: field] = try cipher.seal(record[keyPath: field])
        return copy
    }

    private func open<Record>(_ record: Record, _ field: WritableKeyPath<Record, String>) throws -> Record {
        guard let cipher else { return record }
        var copy = record
        copy[keyPath: field] = try cipher.open(record[keyPath: field])
        return copy
    }

    package init(cipher: ContentCipher?) {
        self.cipher = cipher
    }
}
