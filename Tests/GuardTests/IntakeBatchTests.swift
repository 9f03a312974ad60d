import Foundation
import Guard
import Ledger
import Messages
import Testing

/// Intake updates heard together: strangers' refusals wait for one group commit, everything else keeps its order.
@Suite struct IntakeBatchTests {
    @Test func aBatchAcknowledgesEachUpdateOnceAndAuditsEveryRefusal() async throws {
        let guardian = GuardHarness(allowed: [100], ledger: try SQLiteLedger(path: LedgerTests.temporaryPath()))
        _ = try await guardian.registerExecutor("ex")
        var updates = (1...6).map { guardian.message(updateId: $0, from: 900 + $0 % 3, text: "let me in \($0)") }
        updates.insert(guardian.message(updateId: 7, from: 100, text: "hello"), at: 3)
        updates.append(updates[1])  // ingress sent it again
        let batch = try updates.map { (peer: guardian.ingress, frames: try WireCodec.encode($0)) }

        let out = await guardian.core.receiveIntake(batch)

        let acks = try out.filter { $0.link == .intake }.map { try WireCodec.decode(UpdateAck.self, from: WireCodec.envelope(of: $0.frames)) }
        #expect(acks.map(\.updateId) == [1, 2, 3, 7, 4, 5, 6, 2])
        #expect(acks.map(\.outcome) == Array(repeating: .committed, count: 7) + [.duplicate])
        #expect(try guardian.auditEvents("access.denied").count == 6)
        #expect(try guardian.queuedJobs(of: 100).count == 1)
        #expect(out.contains { $0.link == .work })
        let records = try guardian.ledger.audit(fromSeq: 1, limit: 100)
        #expect(AuditChain.verify(records, after: AuditChain.genesis, firstSeq: 1) == nil)
    }
}
