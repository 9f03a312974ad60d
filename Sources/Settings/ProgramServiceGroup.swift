import Logging
import ServiceLifecycle

/// One program's long-running pieces in one `ServiceGroup`. They start in the order given; on graceful shutdown
/// (the program's signal, or any piece ending by itself) they stop one at a time in the reverse order, each only
/// after every piece started later has stopped. So a piece may rely on every piece before it until its own turn:
/// the guard connection outlives what sends over it, the ledger's checkpointer outlives what writes.
///
/// Run inside another group (`gatehouse`'s, with the health beacon; a test's), it shuts down when that one does.
public enum ProgramServiceGroup {
    public static func run(_ pieces: [any Service], logger: Logger) async throws {
        let services = pieces.map { piece in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: piece, successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        try await ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger)).run()
    }
}
