import ArgumentParser

/// Benchmarks of Gatehouse: the real programs against the test doubles of Telegram and a scripted fake Claude CLI.
/// Each prints a table of target, measured value and PASS/MISS.
@main
struct GatehouseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench",
        abstract: "Measure Gatehouse against its targets.",
        subcommands: [
            AllBenchmarks.self, PipelineBenchmark.self, FloodBenchmark.self, MemoryBenchmark.self, ScalingBenchmark.self,
            StartupBenchmark.self, DeliveryBenchmark.self, IntakeCoreBenchmark.self, JobCoreBenchmark.self,
            ToolCallBenchmark.self, ConfineBenchmark.self, ExperienceBenchmark.self, WebhookFloodBenchmark.self, WebhookReceiverBenchmark.self,
        ]
    )
}
