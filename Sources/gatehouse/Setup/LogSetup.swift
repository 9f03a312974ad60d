import Logging
import Settings

/// Logs go to standard error, one structured line per event, at `LOG_LEVEL` (default info). Secrets never reach
/// them: they are `Secret` values, which print as [REDACTED].
enum LogSetup {
    static func bootstrap(reader: EnvironmentReader) {
        let text = reader.string("LOG_LEVEL", default: "info").lowercased()
        let level = Logger.Level(rawValue: text == "warn" ? "warning" : text)
        if level == nil {
            reader.report("LOG_LEVEL", "must be one of trace, debug, info, notice, warning, error, critical; got \(text.debugDescription)")
        }
        // Production is strict: debug output is for a development setup that asked for it.
        if level == .debug || level == .trace, DeploymentEnvironment.read(from: reader) == .production {
            reader.report("LOG_LEVEL", "\(text) logging is only for ENVIRONMENT=development; use info (or higher) in production")
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label)
            handler.logLevel = level ?? .info
            return handler
        }
    }
}
