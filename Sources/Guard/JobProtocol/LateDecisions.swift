import Foundation
import Messages
import ToolPolicy

/// Tool calls whose verdict waits for a lookup outside the core (WebFetch resolves its host first), decided by the
/// service's `run` — each lookup a child task of its group, so one slow name server holds up only its own call,
/// every lookup ends with the service, and the core goes on deciding everything else meanwhile. Each lookup is
/// bounded by the resolver's timeout (5 s for the system's).
public struct LateDecisions: Sendable {
    /// One tool call waiting for its lookup, with what deciding it needs afterwards.
    struct Lookup: Sendable {
        var request: PermissionRequest
        var context: ToolCallContext
        var executorId: String
        var peer: Data
    }

    let core: GuardCore
    let lookups: AsyncStream<Lookup>

    /// Decides each call as its lookup ends, in any order, handing what the core answers to `send` (empty when it
    /// could not be decided; logged by the core). Returns once the core is gone or the task is cancelled.
    public func run(send: @escaping @Sendable ([Outbound]) -> Void) async {
        await withDiscardingTaskGroup { group in
            for await lookup in lookups {
                group.addTask {
                    let verdict = await core.tools.decide(
                        toolName: lookup.request.toolName, input: lookup.request.input, context: lookup.context,
                        resolver: core.resolver)
                    send(await core.decideLooked(lookup, verdict: verdict))
                }
            }
        }
    }
}
