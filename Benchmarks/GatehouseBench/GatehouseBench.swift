import ArgumentParser

/// Benchmarks of Gatehouse, run against the test doubles of Telegram (and, later, Anthropic). Each prints a table.
@main
struct GatehouseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench",
        abstract: "Measure Gatehouse against its targets.",
        subcommands: [DeliveryBenchmark.self]
    )
}
