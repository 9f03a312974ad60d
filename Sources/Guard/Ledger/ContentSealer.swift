/// Seals the fields that hold what people wrote or were sent (prompts, replies, tool inputs) before they reach the
/// database, and opens them when read. Without a cipher it passes everything through.
struct ContentSealer: Sendable {
    let cipher: ContentCipher?

    func sealed(_ job: JobRecord) throws -> JobRecord {
        guard let cipher, !job.prompt.isEmpty else { return job }
        var copy = job
        copy.prompt = try cipher.seal(job.prompt)
        return copy
    }

    func opened(_ job: JobRecord) throws -> JobRecord {
        guard let cipher else { return job }
        var copy = job
        copy.prompt = try cipher.open(job.prompt)
        return copy
    }

    func sealed(_ entry: OutboxRecord) throws -> OutboxRecord {
        guard let cipher, !entry.text.isEmpty else { return entry }
        var copy = entry
        copy.text = try cipher.seal(entry.text)
        return copy
    }

    func opened(_ entry: OutboxRecord) throws -> OutboxRecord {
        guard let cipher else { return entry }
        var copy = entry
        copy.text = try cipher.open(entry.text)
        return copy
    }

    func sealed(_ entry: SessionHistoryRecord) throws -> SessionHistoryRecord {
        guard let cipher else { return entry }
        var copy = entry
        copy.firstPrompt = try cipher.seal(entry.firstPrompt)
        return copy
    }

    func opened(_ entry: SessionHistoryRecord) throws -> SessionHistoryRecord {
        guard let cipher else { return entry }
        var copy = entry
        copy.firstPrompt = try cipher.open(entry.firstPrompt)
        return copy
    }

    func sealed(_ file: JobFileRecord) throws -> JobFileRecord {
        guard let cipher else { return file }
        var copy = file
        copy.data = try cipher.seal(file.data)
        return copy
    }

    func opened(_ file: JobFileRecord) throws -> JobFileRecord {
        guard let cipher else { return file }
        var copy = file
        copy.data = try cipher.open(file.data)
        return copy
    }

    func sealed(_ approval: ApprovalRecord) throws -> ApprovalRecord {
        guard let cipher else { return approval }
        var copy = approval
        copy.input = try cipher.seal(approval.input)
        return copy
    }

    func opened(_ approval: ApprovalRecord) throws -> ApprovalRecord {
        guard let cipher else { return approval }
        var copy = approval
        copy.input = try cipher.open(approval.input)
        return copy
    }
}
