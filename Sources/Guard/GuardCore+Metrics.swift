import Foundation
import Ledger
import Messages
import Metrics
import PeerKeys
import Telemetry
import ToolPolicy

/// What the guard counts for operators (see `MetricName`), and the figures only it can read at scrape time. With
/// metrics off these calls go to swift-metrics' no-op backend. No label carries a person's id, a chat or content.
extension GuardCore {
    func countUpdate(_ decided: DecidedUpdate) {
        let disposition = decided.changes.newUpdate?.disposition ?? "unknown"
        Counter(label: MetricName.updates, dimensions: [("kind", decided.update.kind.rawValue), ("disposition", disposition)]).increment()
        if disposition == UpdateDisposition.refused.rawValue, let reason = decided.changes.audit.first?.event.rawValue {
            Counter(label: MetricName.refusals, dimensions: [("reason", reason)]).increment()
        }
    }

    static func countToolDecision(_ verdict: PolicyVerdict, tool: String) {
        let name = switch verdict {
        case .allow: "allow"
        case .deny: "deny"
        case .ask: "ask"
        }
        Counter(label: MetricName.toolDecisions, dimensions: [("verdict", name), ("tool", tool)]).increment()
    }

    /// One pipeline hop (`MetricName.hop`): `queue`, `reply`.
    static func recordHop(_ hop: String, ms: Int64) {
        Metrics.Timer(label: MetricName.hop, dimensions: [("hop", hop)]).recordMilliseconds(max(0, ms))
    }

    static func recordApprovalAnswer(_ approval: ApprovalRecord, now: EpochMillis) {
        Metrics.Timer(label: MetricName.approvalAnswer, dimensions: [("answer", approval.status.rawValue)])
            .recordMilliseconds(max(0, now - approval.createdAt))
    }

    static func recordJobEnd(_ job: JobRecord, _ result: JobResult) {
        Counter(label: MetricName.jobs, dimensions: [("outcome", result.outcome.rawValue)]).increment()
        if let started = job.startedAt {
            Metrics.Timer(label: MetricName.cliRun, dimensions: [("outcome", result.outcome.rawValue)])
                .recordMilliseconds(max(0, result.finishedAt - started))
        }
        if let cost = result.costUSD, cost > 0 {
            FloatingPointCounter(label: MetricName.modelCost).increment(by: cost)
        }
    }

    /// Keeps what a peer's heartbeat says of its metrics, labelled with its program and id.
    func notePeerMetrics(_ envelope: Envelope, link: GuardLink, into store: PeerExpositions) {
        guard let beat = try? WireCodec.decode(Heartbeat.self, from: envelope), let text = beat.metrics else { return }
        let program = switch link {
        case .intake: "ingress"
        case .work: "executor"
        case .delivery: "egress"
        }
        store.record(program: program, peer: beat.senderId, text: text, now: clock.now())
    }

    /// Everything for one scrape: the guard's own figures (gauges refreshed now) and each live peer's.
    public func metricsExposition() -> String {
        refreshMetricGauges()
        var merge = ExpositionMerge()
        merge.add(.init(labels: [("program", "guard")], text: Telemetry.exposition()))
        for source in peerMetrics?.sources(now: clock.now()) ?? [] { merge.add(source) }
        return merge.text
    }

    /// Figures read at scrape time: approvals waiting, the outbox's backlog, executors and their slots.
    public func refreshMetricGauges() {
        let now = clock.now()
        Gauge(label: MetricName.approvalsPending).record(approvals.count)
        if let backlog = try? ledger.outboxBacklog() {
            Gauge(label: MetricName.outboxBacklog).record(backlog.count)
            Gauge(label: MetricName.outboxOldestAge).record(Double(backlog.oldestCreatedAt.map { now - $0 } ?? 0) / 1000)
        }
        let members = executors.members.values
        Gauge(label: MetricName.executorsConnected).record(members.count)
        let busy = members.reduce(0) { $0 + $1.jobs.count }
        let free = members.reduce(0) { $0 + $1.freeSlots }
        Gauge(label: MetricName.executorSlots, dimensions: [("state", "busy")]).record(busy)
        Gauge(label: MetricName.executorSlots, dimensions: [("state", "free")]).record(free)
    }
}
