import Logging
import ServiceLifecycle
import Settings
import Synchronization
import Testing

@Suite struct ProgramServiceGroupTests {
    @Test func theProgramsShutdownStopsItsPiecesInReverseOrderEachAfterTheLaterOnesFinished() async throws {
        let events = Events()
        let pieces = ["connection", "reader", "poller"].map { RecordingPiece(name: $0, events: events) }
        let program = Program(pieces: pieces)
        let outer = ServiceGroup(services: [program], logger: quiet)
        async let ran: Void = outer.run()
        await events.waitFor { $0.filter { $0.hasPrefix("start") }.count == 3 }
        await outer.triggerGracefulShutdown()
        try await ran
        #expect(events.all.filter { $0.hasPrefix("stop") } == ["stop poller", "stop reader", "stop connection"])
    }

    @Test func aPieceThatEndsByItselfShutsTheOthersDownInReverseOrder() async throws {
        let events = Events()
        let pieces: [any Service] = [
            RecordingPiece(name: "connection", events: events),
            RecordingPiece(name: "reader", events: events),
            ServicePiece("links") {
                await events.waitFor { $0.filter { $0.hasPrefix("start") }.count == 3 }
                events.note("links ended")
            },
            RecordingPiece(name: "clock", events: events),
        ]
        try await ProgramServiceGroup.run(pieces, logger: quiet)
        #expect(events.all.filter { !$0.hasPrefix("start") } == ["links ended", "stop clock", "stop reader", "stop connection"])
    }

    @Test func aFailingPieceStopsTheOthersAndItsErrorEndsTheProgram() async throws {
        struct Broken: Error {}
        let events = Events()
        let pieces: [any Service] = [
            RecordingPiece(name: "connection", events: events),
            ServicePiece("server") {
                await events.waitFor { $0.contains("start connection") }
                throw Broken()
            },
        ]
        await #expect(throws: Broken.self) { try await ProgramServiceGroup.run(pieces, logger: quiet) }
        #expect(events.all == ["start connection", "stop connection"])
    }

    /// The waits of periodic work and the loops that know nothing of shutdown end at the shutdown, not an hour later
    /// (a wall-clock bound would measure the machine's load: the periodic body never running says the wait was cut).
    @Test(.timeLimit(.minutes(2))) func periodicWorkAndPlainLoopsStopAtOnceOnShutdown() async throws {
        let runs = Mutex(0)
        let pieces: [any Service] = [
            ServicePiece.untilShutdown("plain loop") { try await Task.sleep(for: .seconds(3_600)) },
            ServicePiece("periodic") { await Periodic.run(every: .seconds(3_600)) { runs.withLock { $0 += 1 } } },
        ]
        let outer = ServiceGroup(services: [Program(pieces: pieces)], logger: quiet)
        async let ran: Void = outer.run()
        try await Task.sleep(for: .milliseconds(50))
        await outer.triggerGracefulShutdown()
        try await ran
        #expect(runs.withLock { $0 } == 0)
    }

    @Test func periodicWorkRunsEveryIntervalUntilShutdown() async throws {
        let events = Events()
        let outer = ServiceGroup(services: [Program(pieces: [
            ServicePiece("periodic") { await Periodic.run(every: .milliseconds(10)) { events.note("run") } },
        ])], logger: quiet)
        async let ran: Void = outer.run()
        await events.waitFor { $0.count >= 3 }
        await outer.triggerGracefulShutdown()
        try await ran
        let runs = events.all.count
        try await Task.sleep(for: .milliseconds(50))
        #expect(events.all.count == runs)
    }
}

private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A program as `gatehouse` runs it: its pieces' group inside an outer group that receives the shutdown.
private struct Program: Service {
    let pieces: [any Service]
    func run() async throws { try await ProgramServiceGroup.run(pieces, logger: quiet) }
}

/// Runs until its graceful shutdown, then takes a moment before it says it stopped: a piece stopped before the
/// later ones finished would show up out of order.
private struct RecordingPiece: Service {
    let name: String
    let events: Events

    func run() async throws {
        events.note("start \(name)")
        try await gracefulShutdown()
        try await Task.sleep(for: .milliseconds(20))
        events.note("stop \(name)")
    }
}

/// What the pieces did, in order, with a wait for a state of it (no polling).
private final class Events: Sendable {
    private struct State {
        var events: [String] = []
        var waiters: [(condition: @Sendable ([String]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var all: [String] { state.withLock { $0.events } }

    func note(_ event: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let events = state.events
            let (met, waiting) = (state.waiters.filter { $0.condition(events) }, state.waiters.filter { !$0.condition(events) })
            state.waiters = waiting
            return met.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    func waitFor(_ condition: @escaping @Sendable ([String]) -> Bool) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if condition(state.events) { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
