import Logging
import ServiceLifecycle
import Telemetry

/// The metrics endpoint (`METRICS_ADDRESS`), the guard's last piece and so the first to stop. If it fails, the
/// guard goes on without it: only the links' ends may end the guard.
struct MetricsService: Service, CustomStringConvertible {
    var description: String { "metrics endpoint" }

    let endpoint: MetricsEndpoint
    let logger: Logger

    func run() async {
        do {
            try await cancelWhenGracefulShutdown { [endpoint] in try await endpoint.run() }
        } catch {
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
            logger.error("the metrics endpoint stopped; the guard goes on without it", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}
