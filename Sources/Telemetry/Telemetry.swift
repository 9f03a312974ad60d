import Metrics
import Prometheus
import Synchronization

/// This process's metrics: off (swift-metrics' no-op backend, free) until `enable()`, then recorded into one
/// Prometheus registry. The guard serves its own and every other program's figures on one endpoint
/// (`MetricsEndpoint`); the other programs send theirs on the heartbeats they already send the guard, so an executor
/// on another host needs no port of its own.
public enum Telemetry {
    static let registry = PrometheusCollectorRegistry()
    private static let enabled = Mutex(false)

    /// Bootstraps swift-metrics with this registry; once per process (later calls do nothing).
    public static func enable() {
        enabled.withLock { enabled in
            guard !enabled else { return }
            enabled = true
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = MetricName.latencyBuckets
            factory.durationHistogramBuckets = [MetricName.cliRun: MetricName.runBuckets, MetricName.approvalAnswer: MetricName.runBuckets]
            MetricsSystem.bootstrap(factory)
        }
    }

    public static var isEnabled: Bool { enabled.withLock { $0 } }

    /// This process's figures in Prometheus' text format.
    public static func exposition() -> String { registry.emitToString() }
}
