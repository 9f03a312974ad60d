import Foundation
import Messages
import ToolPolicy

/// Tool calls whose verdict waits for a lookup outside the core (WebFetch resolves its host first), decided by
/// whoever iterates `GuardCore.lateDecisions` — the service's task group — so that the lookup runs in that task
/// (structured: it ends with the service) while the core goes on deciding everything else. Lookups are taken one
/// at a time; each is bounded by the resolver's timeout (5 s for the system's).
public struct LateDecisions: AsyncSequence, Sendable {
    public typealias Element = [Outbound]

    /// One tool call waiting for its lookup, with what deciding it needs afterwards.
    struct Lookup: Sendable {
        var request: PermissionRequest
        var context: ToolCallContext
        var executorId: String
        var peer: Data
    }

    let core: GuardCore
    let lookups: AsyncStream<Lookup>

    public struct AsyncIterator: AsyncIteratorProtocol {
        let core: GuardCore
        var lookups: AsyncStream<Lookup>.Iterator

        /// The next looked-up call's decision: empty when it could not be decided (logged by the core); nil once
        /// the core is gone or the iterating task is cancelled.
        public mutating func next() async -> [Outbound]? {
            guard let lookup = await lookups.next() else { return nil }
            let verdict = await core.tools.decide(
                toolName: lookup.request.toolName, input: lookup.request.input, context: lookup.context, resolver: core.resolver)
            return await core.decideLooked(lookup, verdict: verdict)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core, lookups: lookups.makeAsyncIterator())
    }
}
