import Logging
import Settings

/// Logs go to standard error, one structured line per event (`LOG_FORMAT`: text, or json for log shippers), at
/// `LOG_LEVEL` (default info). Secrets never reach
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
        let format = reader.string("LOG_FORMAT", default: "text").lowercased()
        if format != "text" && format != "json" {
            reader.report("LOG_FORMAT", "must be text or json, got \(format.debugDescription)")
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: format == "json" ? .json : .text)
            handler.logLevel = level ?? .info
            return handler
        }
    }
}
