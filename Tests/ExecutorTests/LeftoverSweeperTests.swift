import Foundation
import Logging
import Testing

@testable import Executor

@Suite struct LeftoverSweeperTests {
    func sleeper(marker: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        process.environment = ["PATH": "/usr/bin:/bin", LeftoverSweeper.variable: marker]
        try process.run()
        return process
    }

    @Test func killsOnlyTheLeftoversOfThisInstallation() async throws {
        let ours = LeftoverSweeper.marker(executorId: "executor-a", guardEndpoint: "ipc:///run/one/work.sock", approvedDirectory: "/srv/one")
        let theirs = LeftoverSweeper.marker(executorId: "executor-a", guardEndpoint: "ipc:///run/two/work.sock", approvedDirectory: "/srv/two")
        #expect(ours != theirs)
        #expect(ours == LeftoverSweeper.marker(executorId: "executor-a", guardEndpoint: "ipc:///run/one/work.sock", approvedDirectory: "/srv/one"))
        let mine = try sleeper(marker: ours)
        let other = try sleeper(marker: theirs)
        defer { other.terminate() }
        try await Task.sleep(for: .milliseconds(100))  // let exec put the environment in place

        let killed = LeftoverSweeper.killLeftovers(marker: ours, logger: Logger(label: "test.sweeper"))
        #expect(killed == [mine.processIdentifier])
        mine.waitUntilExit()
        #expect(mine.terminationReason == .uncaughtSignal)
        #expect(other.isRunning)
    }
}
