import Foundation
import Guard
import Messages
import Synchronization
import Testing
import ToolPolicy

/// A resolver whose answers wait until the test lets them through, one per `release()`.
final class HeldResolver: HostResolver {
    let table: [String: [String]]
    private let gate: AsyncStream<Void>
    private let opener: AsyncStream<Void>.Continuation
    private let asked = Mutex<[String]>([])

    init(_ table: [String: [String]]) {
        self.table = table
        (gate, opener) = AsyncStream.makeStream(of: Void.self)
    }

    var questions: [String] { asked.withLock { $0 } }

    func release() { opener.yield() }

    func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress] {
        asked.withLock { $0.append(host) }
        for await _ in gate { break }
        guard let literals = table[host] else { throw .notFound(host: host) }
        return literals.compactMap(NetworkAddress.literal)
    }
}

/// WebFetch is decided after its host is resolved, off the core: by whoever iterates `lateDecisions` (the service).
@Suite struct LateDecisionTests {
    func fetch(_ url: String, id: String, _ guardian: GuardHarness, _ job: JobAssignment) async throws -> [Outbound] {
        try await guardian.send(
            PermissionRequest(jobId: job.jobId, requestId: id, toolName: "WebFetch",
                              input: .object(["url": .string(url), "prompt": .string("p")])),
            on: .work, from: Data("a".utf8))
    }

    @Test func aHostResolvingToAPrivateAddressIsDeniedOnceLookedUpWhileTheCoreGoesOn() async throws {
        let resolver = HeldResolver(["rebind.example": ["127.0.0.1"]])
        let guardian = GuardHarness(resolver: resolver)
        let job = try await guardian.runningJob()
        var decisions = guardian.core.lateDecisions.makeAsyncIterator()

        let atOnce = try await fetch("https://rebind.example/x", id: "r1", guardian, job)
        #expect(atOnce.isEmpty, "nothing is decided before the lookup")
        async let late = decisions.next()
        // The lookup waits; the core still answers everything else meanwhile.
        let heartbeat = try await guardian.send(
            Heartbeat(senderId: "a", sentAt: 0), on: .work, from: Data("a".utf8))
        #expect(heartbeat.messages(Heartbeat.self).count == 1)
        resolver.release()
        let decided = try #require(await late)
        let decision = try #require(decided.messages(PermissionDecision.self).first?.message)
        #expect(decision.requestId == "r1" && !decision.allow)
        #expect(decision.message?.contains("127.0.0.1") == true, "the reason names the address: \(decision.message ?? "-")")
        #expect(resolver.questions == ["rebind.example"])
        #expect(try guardian.auditEvents("tool.denied").count == 1)
    }

    @Test func aPublicHostIsPutToThePersonAfterItsLookup() async throws {
        let resolver = HeldResolver(["public.example": ["93.184.215.14"]])
        let guardian = GuardHarness(resolver: resolver)
        let job = try await guardian.runningJob()
        var decisions = guardian.core.lateDecisions.makeAsyncIterator()

        _ = try await fetch("https://public.example/page", id: "r2", guardian, job)
        resolver.release()
        let decided = try #require(await decisions.next())
        #expect(decided.messages(PermissionDecision.self).isEmpty, "asked, not decided")
        let question = try #require(decided.messages(Delivery.self).map(\.message).first { $0.text?.contains("WebFetch") == true })
        #expect(question.buttons?.first?.map(\.text) == ["Allow once", "Allow for this session", "Deny"])
    }
}
