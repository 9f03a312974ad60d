import AccessControl
import Foundation
import Ledger
import Messages
import Validation

/// Walk, step 2 of 4 — what the sender may do, and the job a prompt becomes. Who someone is right now, what they
/// may still spend (rate and cost), what happens when someone's behaviour looks like an attack; then the prompt
/// becomes a job in the person's workspace, with the files that came with it (checked here: name, type, size,
/// content), the voice note's transcript shown back, and the parts of an album gathered into one job.
extension GuardCore {
    var standingInputs: Standing.Inputs {
        Standing.Inputs(
            allowedUsers: configuration.allowedUsers, adminUsers: configuration.adminUsers,
            tokenAuthEnabled: tokens != nil, sessionTimeoutMs: configuration.access.sessionTimeoutMs)
    }

    func standing(of userId: Int64, now: EpochMillis) throws -> Standing {
        let session = tokens == nil ? nil : try ledger.authSession(userId: userId)
        return Standing.of(userId, member: try ledger.member(userId: userId), session: session, inputs: standingInputs, now: now)
    }

    /// The limits on people who may use the bot: every prompt and command costs a rate-limit token (`/stop` and
    /// `/auth` are free: stopping must always work), and a prompt needs budget left.
    func admit(
        _ decision: IntakePolicy.Decision, userId: Int64, changes: inout LedgerChanges, now: EpochMillis
    ) throws -> IntakePolicy.Decision {
        switch decision {
        case .runPrompt, .command:
            if case .command(let command) = decision, command == .stop { return decision }
            if case .command(.auth) = decision { return decision }
        case .reply, .refuse, .ignore, .button, .refuseButton:
            return decision
        }
        let limit = configuration.access.rateLimit
        let stored = try ledger.rateBucket(userId: userId)
        var bucket = stored.map { TokenBucket(tokens: $0.tokens, updatedAt: $0.updatedAt) } ?? TokenBucket.full(limit, now: now)
        let verdict = bucket.take(limit, now: now)
        changes.rateBuckets.append(RateBucketRecord(userId: userId, tokens: bucket.tokens, updatedAt: bucket.updatedAt))
        if case .refused(let retryAfterMs) = verdict {
            return .reply(
                text: ReplyTexts.rateLimited(retryAfterMs: retryAfterMs), event: .limitRate,
                reason: "\(limit.requests) requests per \(limit.windowSeconds) s (burst \(limit.burst)) used up; retry in \(retryAfterMs) ms")
        }
        if case .runPrompt = decision,
            case .refused(let reason, let retryAfterMs) = configuration.access.costLimits.check(
                userId: userId, entries: try costsToCheck(userId: userId, now: now), now: now)
        {
            return .reply(
                text: ReplyTexts.overBudget(reason, retryAfterMs: retryAfterMs), event: .limitCost, reason: reason)
        }
        return decision
    }

    /// What `CostLimits.check` needs to decide for this person: their own runs, and everyone's only when the team's
    /// total has reached the global limit (below it, everyone's runs cannot refuse anyone, and reading a busy
    /// team's whole day on every prompt was most of the guard's time per prompt). Their own runs likewise only once
    /// their day's total has reached their limit: below it nothing can refuse them, and a busy person's day of runs,
    /// read and decoded one by one, grew the wait for every prompt's `typing` with each run.
    func costsToCheck(userId: Int64, now: EpochMillis) throws -> [CostEntry] {
        let limits = configuration.access.costLimits
        if let global = limits.globalDailyUsd, try dayTotal(userId: nil, now: now) >= global {
            return try recentCosts(now: now)
        }
        guard let own = limits.perUserDailyUsd, try dayTotal(userId: userId, now: now) >= own else { return [] }
        return try recentCosts(userId: userId, now: now)
    }

    /// Feeds the detector with this update (and the violations its decision recorded); a crossing blocks the
    /// person for a while, ends their sign-in, and tells every admin.
    func watch(userId: Int64, changes: inout LedgerChanges, now: EpochMillis) throws {
        guard !configuration.adminUsers.contains(userId) else { return }
        var verdicts: [AnomalyVerdict] = []
        if let verdict = anomalies.record(.request, userId: userId, now: now) { verdicts.append(verdict) }
        let violations = changes.audit.filter { AuditEventName.isSecurityEvent($0.event.rawValue) }
        for _ in violations {
            if let verdict = anomalies.record(.violation, userId: userId, now: now) { verdicts.append(verdict) }
        }
        guard case .block(let until, let reason)? = verdicts.first else { return }
        var member = try ledger.member(userId: userId) ?? MemberRecord(userId: userId, role: nil, changedAt: now)
        member.suspendedUntil = until
        member.changedAt = now
        member.changedBy = nil
        member.reason = reason
        changes.members.append(member)
        changes.endedAuthSessions.append(userId)
        changes.audit.append(AuditEvent(at: now, userId: userId, event: .securityAnomaly, detail: "blocked until \(until): \(reason)"))
        logger.warning("anomaly: user blocked for a while", metadata: ["user.id": "\(userId)", "reason": "\(reason)"])
        try tellAdmins(ReplyTexts.anomalyNotice(userId: userId, reason: reason, until: until), changes: &changes, now: now)
        // The person is told at once (in their private chat), not on their next message; that next one is then
        // audited only, like any repeated refusal.
        if refusals.shouldAnswer(
            userId, reason: IntakePolicy.suspendedReason, now: now, intervalMs: configuration.access.refusalIntervalMs)
        {
            changes.outbox.append(reply(ReplyTexts.suspended(until: until), chatId: userId, threadId: nil, replyTo: nil, now: now))
        }
    }

    /// How long the first part of an album waits for the others before its job may be dispatched.
    static let albumWindowMs: Int64 = 1_500

    func startJob(prompt text: String, update: InboundUpdate, changes: inout LedgerChanges, now: EpochMillis) throws -> [Outbound] {
        guard let userId = update.sender?.id, let chatId = update.chat?.id else { return [] }
        let threadId = update.chat?.threadId
        func answer(_ reply: String) {
            changes.outbox.append(self.reply(reply, chatId: chatId, threadId: threadId, replyTo: update.messageId, now: now))
        }
        func refuse(_ reply: String, event: AuditEventName, detail: String) -> [Outbound] {
            changes.newUpdate?.setDisposition(.reply)
            answer(reply)
            changes.audit.append(AuditEvent(at: now, userId: userId, event: event, detail: detail))
            return []
        }
        var files: [JobFile] = []
        for (index, attachment) in (update.attachments ?? []).enumerated() {
            switch attachment.kind {
            case .voice:
                if attachment.knownProblem == .voiceOff {
                    return refuse(ChatText.voiceOff, event: .requestRefused, detail: "voice note, voice is off")
                }
                // Any other problem, a code this build does not know included, is a failed transcription.
                if let problem = attachment.problem {
                    return refuse(ChatText.transcriptionFailed, event: .requestRefused, detail: "voice note: \(problem)")
                }
                if update.transcribed == true { answer(ChatText.heard(text)) }
            case .document, .photo:
                let name = attachment.kind == .photo
                    ? "photo-\(update.messageId ?? update.updateId)\(index == 0 ? "" : "-\(index + 1)").jpg"
                    : attachment.fileName ?? "file-\(update.messageId ?? update.updateId)"
                guard let data = attachment.data else {
                    let reply = attachment.knownProblem == .tooLarge ? ChatText.tooLarge(InputExcerpt.quote(name)) : ChatText.downloadFailed(InputExcerpt.quote(name))
                    return refuse(reply, event: .uploadRefused, detail: "\(attachment.problem ?? "no data"): \(InputExcerpt.quote(name))")
                }
                switch UploadValidator(policy: configuration.uploads).validate(
                    fileName: name, declaredMimeType: attachment.mimeType, size: data.count, head: data)
                {
                case .failure(let refusal):
                    let hostile: Set<Refusal.Code> = [.secretFile, .executableFile, .pathSeparator, .traversal, .controlCharacter, .lookalikeCharacter]
                    return refuse(
                        ChatText.uploadRefused(InputExcerpt.quote(name), refusal.reason),
                        event: hostile.contains(refusal.code) ? .securityViolation : .uploadRefused,
                        detail: "\(refusal.code.rawValue): \(InputExcerpt.quote(name))")
                case .success(let stored):
                    files.append(JobFile(
                        name: stored, data: data, isImage: attachment.kind == .photo || (attachment.mimeType ?? "").hasPrefix("image/")))
                }
            case .audio, .video, .animation, .sticker:
                return refuse(ChatText.unsupportedMedia, event: .uploadRefused, detail: "\(attachment.kind.rawValue) not supported")
            }
        }
        var prompt = text
        if prompt.isEmpty { prompt = files.allSatisfy(\.isImage) ? ChatText.lookAtImages : ChatText.lookAtFiles }
        changes.newUpdate?.setDisposition(.job)
        for file in files {
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .fileUpload, detail: "\(InputExcerpt.quote(file.name)) \(file.data.count) bytes"))
        }

        // An album: later parts join the first part's job while it waits.
        if let group = update.mediaGroupId,
            var job = try ledger.jobs(in: [.queued]).first(where: { $0.mediaGroupId == group && $0.userId == userId })
        {
            if !text.isEmpty {
                job.prompt = [ChatText.lookAtImages, ChatText.lookAtFiles].contains(job.prompt) ? text : job.prompt + "\n" + text
            }
            job.notBefore = now + Self.albumWindowMs
            changes.jobs.append(job)
            let first = try ledger.jobFiles(jobId: job.id).count
            changes.jobFiles += files.enumerated().map { offset, file in jobFileRecord(file, jobId: job.id, seq: first + offset) }
            changes.audit.append(AuditEvent(at: now, userId: userId, event: .requestJoined, detail: "job \(job.id) album"))
            return []
        }
        var job = JobRecord(
            id: Self.newId(), updateId: update.updateId, userId: userId, chatId: chatId, threadId: threadId,
            replyToMessageId: update.messageId, workspace: try workspace(for: userId, chat: update.chat), prompt: prompt,
            status: .queued, attempt: 0, createdAt: now)
        if let group = update.mediaGroupId {
            job.mediaGroupId = group
            job.notBefore = now + Self.albumWindowMs
        }
        changes.jobs.append(job)
        changes.jobFiles += files.enumerated().map { offset, file in jobFileRecord(file, jobId: job.id, seq: offset) }
        changes.audit.append(AuditEvent(at: now, userId: userId, event: .requestAccepted, detail: "job \(job.id)"))
        return []
    }

    private func jobFileRecord(_ file: JobFile, jobId: String, seq: Int) -> JobFileRecord {
        JobFileRecord(jobId: jobId, seq: seq, name: file.name, data: file.data.base64EncodedString(), isImage: file.isImage)
    }

}
