/// `ENVIRONMENT`: production unless development is asked for. Production is strict.
public enum DeploymentEnvironment: String, Sendable {
    case production
    case development

    public static func read(from reader: EnvironmentReader) -> DeploymentEnvironment {
        let text = reader.string("ENVIRONMENT", default: "production").lowercased()
        guard let value = DeploymentEnvironment(rawValue: text) else {
            reader.report("ENVIRONMENT", "must be production or development, got \(text.debugDescription)")
            return .production
        }
        return value
    }
}
