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

/// A resolver that answers at once, except for the hosts it holds until `release(_:)`.
final class PerHostResolver: HostResolver {
    let table: [String: [String]]
    private let gates: [String: (AsyncStream<Void>, AsyncStream<Void>.Continuation)]

    init(_ table: [String: [String]], holding held: Set<String>) {
        self.table = table
        gates = Dictionary(uniqueKeysWithValues: held.map { ($0, AsyncStream.makeStream(of: Void.self)) })
    }

    func release(_ host: String) { gates[host]?.1.yield() }

    func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress] {
        if let gate = gates[host]?.0 { for await _ in gate { break } }
        guard let literals = table[host] else { throw .notFound(host: host) }
        return literals.compactMap(NetworkAddress.literal)
    }
}

/// What the service does with `lateDecisions`, for a test: each decision as it comes, until the test ends.
struct LateDecisionFeed {
    let decisions: AsyncStream<[Outbound]>
    let task: Task<Void, Never>

    init(_ core: GuardCore) {
        let (decisions, sink) = AsyncStream.makeStream(of: [Outbound].self)
        self.decisions = decisions
        task = Task { await core.lateDecisions.run { sink.yield($0) } }
    }

    func next() async -> [Outbound]? {
        var iterator = decisions.makeAsyncIterator()
        return await iterator.next()
    }
}

/// WebFetch is decided after its host is resolved, off the core: by the service's `lateDecisions.run`.
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
        let decisions = LateDecisionFeed(guardian.core)
        defer { decisions.task.cancel() }

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
        let decisions = LateDecisionFeed(guardian.core)
        defer { decisions.task.cancel() }

        _ = try await fetch("https://public.example/page", id: "r2", guardian, job)
        resolver.release()
        let decided = try #require(await decisions.next())
        #expect(decided.messages(PermissionDecision.self).isEmpty, "asked, not decided")
        let question = try #require(decided.messages(Delivery.self).map(\.message).first { $0.text?.contains("WebFetch") == true })
        #expect(question.buttons?.first?.map(\.text) == ["Allow once", "Allow for this session", "Deny"])
    }

    @Test(.timeLimit(.minutes(1))) func aSlowLookupHoldsUpOnlyItsOwnCall() async throws {
        let resolver = PerHostResolver(
            ["slow.example": ["127.0.0.1"], "fast.example": ["10.0.0.1"]], holding: ["slow.example"])
        let guardian = GuardHarness(resolver: resolver)
        let job = try await guardian.runningJob()
        let decisions = LateDecisionFeed(guardian.core)
        defer { decisions.task.cancel() }

        _ = try await fetch("https://slow.example/a", id: "slow", guardian, job)
        _ = try await fetch("https://fast.example/b", id: "fast", guardian, job)
        let first = try #require(await decisions.next()?.messages(PermissionDecision.self).first?.message)
        #expect(first.requestId == "fast", "the call whose lookup ended is decided while the other still waits")
        resolver.release("slow.example")
        let second = try #require(await decisions.next()?.messages(PermissionDecision.self).first?.message)
        #expect(second.requestId == "slow" && !second.allow)
    }
}
