import Foundation
import Ledger
import Messages
import ToolPolicy

/// Tool permissions: every tool call Claude asks about gets the policy's verdict. "Ask" becomes a message to the
/// person whose job it is (`+Approvals`); every decision is audited.
extension GuardCore {
    /// - Parameter looked: the policy's verdict when it needed a lookup outside the core (WebFetch resolves its
    ///   host first: see `lookUpThenDecide`); nil decides here and now.
    func decidePermission(
        _ request: PermissionRequest, executorId: String, peer: Data, now: EpochMillis, looked: PolicyVerdict? = nil
    ) throws -> [Outbound] {
        guard let job = try ledger.job(id: request.jobId), job.executorId == executorId, job.status == .running,
            request.attempt.map({ $0 == job.attempt }) ?? true
        else {
            return [try decision(request, allow: false, reason: "the job is not running on this executor", peer: peer)]
        }
        if request.decidedByExecutor == true {
            recordExecutorDecision(request, job: job, executorId: executorId, now: now)
            Self.countToolDecision(.allow, tool: request.toolName)
            return []
        }
        // Asked before (the executor re-sends questions after a guard restart): answer as decided, or keep waiting.
        if let known = try ledger.approval(jobId: request.jobId, requestId: request.requestId) {
            switch known.status {
            case .pending: return []
            case .allowed: return [try decision(request, allow: true, reason: nil, peer: peer, updatedInput: answeredInput(known))]
            case .denied, .expired: return [try decision(request, allow: false, reason: known.message ?? "denied", peer: peer)]
            }
        }
        if request.toolName == "AskUserQuestion" {
            if job.questions == "deny" {
                try audit(job, .toolDenied, request, Self.nobodyWatching, now: now)
                return [try decision(request, allow: false, reason: Self.nobodyWatching, peer: peer)]
            }
            return try askQuestion(request, job: job, executorId: executorId, now: now)
        }
        let context = toolContext(request, job: job, executorId: executorId)
        if looked == nil, tools.needsLookup(toolName: request.toolName) {
            lookUpThenDecide(request, context: context, executorId: executorId, peer: peer)
            return []
        }
        var verdict = looked ?? tools.decide(toolName: request.toolName, input: request.input, context: context)
        if case .ask = verdict, try hasSessionRule(for: request, job: job) { verdict = .allow }
        Self.countToolDecision(verdict, tool: request.toolName)
        switch verdict {
        case .allow:
            let call = allowedCall(toolName: request.toolName, input: request.input, requestId: request.requestId, job: job, context: context, now: now)
            try audit(job, .toolAllowed, request, nil, now: now, allowed: call)
            return [try decision(request, allow: true, reason: nil, peer: peer)]
        case .deny(let reason):
            try audit(job, .toolDenied, request, reason, now: now)
            return [try decision(request, allow: false, reason: reason, peer: peer)]
        case .ask(let reason):
            if job.questions == "deny" {
                let denial = "\(Self.nobodyWatching) (\(reason))"
                try audit(job, .toolDenied, request, denial, now: now)
                return [try decision(request, allow: false, reason: denial, peer: peer)]
            }
            return try ask(request, reason: reason, job: job, executorId: executorId, now: now)
        }
    }

    /// Why a tool call that would be asked about is denied in an unattended run whose rule says `questions: deny`.
    static let nobodyWatching = "no one is watching this automated run, and its rule denies what would need asking"

    /// A read the executor allowed by itself: recorded and audited like one the guard allowed, after checking that
    /// the guard's own policy agrees (a disagreement is logged and audited as a violation: the call already ran).
    private func recordExecutorDecision(_ request: PermissionRequest, job: JobRecord, executorId: String, now: EpochMillis) {
        let context = toolContext(request, job: job, executorId: executorId)
        do {
            if tools.defaultsHoldForReads, tools.allowsAsRead(toolName: request.toolName, input: request.input, context: context) {
                let call = allowedCall(toolName: request.toolName, input: request.input, requestId: request.requestId, job: job, context: context, now: now)
                try audit(job, .toolAllowed, request, "read, allowed by the executor", now: now, allowed: call)
            } else {
                logger.error("an executor allowed a tool call the guard's policy would not have", metadata: [
                    "job.id": "\(job.id)", "executor.id": "\(executorId)", "tool": "\(request.toolName)",
                ])
                try audit(job, .securityViolation, request, "allowed by the executor against the guard's policy", now: now)
            }
        } catch {
            logger.error("failed to record a tool call the executor allowed", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
        }
    }

    /// What the policy knows about the call besides its input: where it runs, and what the executor said of that
    /// place (confined by the kernel, secrets on disk).
    private func toolContext(_ request: PermissionRequest, job: JobRecord, executorId: String) -> ToolCallContext {
        ToolCallContext(
            workspace: workspacePath(job.workspace),
            confined: executors.members[executorId]?.confined == true,
            workspaceHoldsSecrets: request.workspaceHoldsSecrets ?? false)
    }

    /// Leaves the call to `lateDecisions`, whose iteration resolves off the core (a slow name server must not hold up
    /// every other decision) and then decides with the verdict (`decideLooked`).
    private func lookUpThenDecide(_ request: PermissionRequest, context: ToolCallContext, executorId: String, peer: Data) {
        lookups.yield(LateDecisions.Lookup(request: request, context: context, executorId: executorId, peer: peer))
    }

    func decideLooked(_ lookup: LateDecisions.Lookup, verdict: PolicyVerdict) -> [Outbound] {
        do {
            return try decidePermission(lookup.request, executorId: lookup.executorId, peer: lookup.peer, now: clock.now(), looked: verdict)
        } catch {
            logger.error("failed to decide a tool call after its lookup", metadata: [
                "job.id": "\(lookup.request.jobId)", "tool": "\(lookup.request.toolName)", "error": "\(error)",
            ])
            return []
        }
    }

    private func hasSessionRule(for request: PermissionRequest, job: JobRecord) throws -> Bool {
        var scopes = ["job:\(job.id)"]
        if let sessionId = job.sessionId { scopes.append("session:\(sessionId)") }
        let input = (try? JSONEncoder().encode(request.input)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let signature = Self.signature(tool: request.toolName, input: input)
        return try ledger.rules(scopes: scopes).contains { $0.toolName == request.toolName && $0.signature == signature }
    }

    /// What a session rule matches: the exact command for Bash, the URL's host for WebFetch, the tool otherwise.
    static func signature(tool: String, input: String) -> String {
        let value = try? JSONDecoder().decode(JSONValue.self, from: Data(input.utf8))
        switch tool {
        case "Bash": return value?["command"]?.stringValue ?? ""
        case "WebFetch": return value?["url"]?.stringValue.flatMap { URLComponents(string: $0)?.host } ?? ""
        default: return ""
        }
    }

    func decision(_ request: PermissionRequest, allow: Bool, reason: String?, peer: Data, updatedInput: JSONValue? = nil) throws -> Outbound {
        try message(PermissionDecision(jobId: request.jobId, requestId: request.requestId, allow: allow, message: reason,
                                       updatedInput: updatedInput), on: .work, to: peer)
    }

    private func audit(
        _ job: JobRecord, _ event: AuditEventName, _ request: PermissionRequest, _ reason: String?, now: EpochMillis, allowed: JobToolRecord? = nil
    ) throws {
        var changes = LedgerChanges(audit: [AuditEvent(
            at: now, userId: job.userId, event: event,
            detail: "\(request.toolName) job \(job.id)" + (reason.map { ": \($0)" } ?? ""))])
        if let allowed { changes.jobTools.append(allowed) }
        try ledger.apply(changes)
        logger.info("tool decision", metadata: ["job.id": "\(job.id)", "tool": "\(request.toolName)", "event": "\(event.rawValue)"])
    }

    /// The record of a tool call the guard allowed in the job's current attempt.
    func allowedCall(
        toolName: String, input: JSONValue, requestId: String, job: JobRecord, context: ToolCallContext, now: EpochMillis
    ) -> JobToolRecord {
        JobToolRecord(
            jobId: job.id, attempt: job.attempt, requestId: requestId, toolName: toolName,
            summary: ToolSummary.describe(tool: toolName, input: input, workspace: context.workspace),
            changes: tools.effect(toolName: toolName, input: input, context: context) == .changes, allowedAt: now)
    }

    func workspacePath(_ relative: String) -> String {
        var root = configuration.approvedDirectory
        if root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        return relative.isEmpty ? root : root + "/" + relative
    }
}
