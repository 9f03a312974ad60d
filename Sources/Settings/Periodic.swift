import ServiceLifecycle

/// Work a program does every so often until its graceful shutdown (or cancellation). The wait between two runs
/// ends at once when the shutdown comes; a run already started finishes first.
public enum Periodic {
    /// Waits `interval`, runs `body`, and again, until shut down.
    public static func run(every interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await body()
        }
    }
}
