import Foundation
import Messages
import PeerLink

/// Sends every job result the guard has not acknowledged again, each `interval`, until cancelled (a child of the
/// executor service's task group, cancelled when the service has drained). A result is first re-sent a second after
/// it was made: the first send is the launcher's.
struct ResultResender: Sendable {
    let interval: Duration
    let connection: GuardConnection
    let state: ExecutorState

    func run() async {
        while (try? await Task.sleep(for: interval)) != nil {
            for result in await state.pendingResults where Date().epochMillis - result.finishedAt > 1_000 {
                try? await connection.send(result)
            }
        }
    }
}
