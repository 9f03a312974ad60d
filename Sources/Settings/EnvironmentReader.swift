import Foundation

/// Reads typed settings from environment variables, collecting every problem instead of stopping at the first.
/// Secrets may also come from `NAME_FILE` (a path, e.g. a Docker secret), whose contents are trimmed.
public final class EnvironmentReader {
    public private(set) var issues: [ConfigurationError.Issue] = []
    private let environment: [String: String]

    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Records a problem (once: several programs may read the same setting).
    public func report(_ variable: String, _ problem: String) {
        let issue = ConfigurationError.Issue(variable: variable, problem: problem)
        if !issues.contains(issue) { issues.append(issue) }
    }

    /// Throws one error listing every problem, if there were any.
    public func finish() throws(ConfigurationError) {
        if !issues.isEmpty { throw ConfigurationError(issues: issues) }
    }

    public func raw(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    public func requiredString(_ name: String, hint: String) -> String? {
        guard let value = raw(name) else {
            report(name, "is required: \(hint)")
            return nil
        }
        return value
    }

    /// A secret from `NAME` or from the file named by `NAME_FILE` (not both).
    public func secret(_ name: String, required: Bool, hint: String) -> Secret? {
        let direct = raw(name)
        let filePath = raw(name + "_FILE")
        switch (direct, filePath) {
        case (.some, .some):
            report(name, "is set both directly and through \(name)_FILE; keep one")
            return nil
        case (.some(let value), nil):
            return Secret(value)
        case (nil, .some(let path)):
            guard let data = FileManager.default.contents(atPath: path) else {
                report(name + "_FILE", "cannot read the file \(path.debugDescription); check the path and its permissions")
                return nil
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                report(name + "_FILE", "the file \(path.debugDescription) is empty")
                return nil
            }
            return Secret(value)
        case (nil, nil):
            if required { report(name, "is required: \(hint) (or give \(name)_FILE, a file holding it)") }
            return nil
        }
    }

    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text) else {
            report(name, "must be a whole number, got \(text.debugDescription)")
            return defaultValue
        }
        guard range.contains(value) else {
            report(name, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return defaultValue
        }
        return value
    }

    public func optionalInt(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard raw(name) != nil else { return nil }
        return int(name, default: range.lowerBound, in: range)
    }

    public func double(_ name: String, default defaultValue: Double, in range: ClosedRange<Double>) -> Double {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Double(text), value.isFinite else {
            report(name, "must be a number, got \(text.debugDescription)")
            return defaultValue
        }
        guard range.contains(value) else {
            report(name, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return defaultValue
        }
        return value
    }

    public func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let text = raw(name)?.lowercased() else { return defaultValue }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            report(name, "must be true or false, got \(text.debugDescription)")
            return defaultValue
        }
    }

    /// A comma- or space-separated list of Telegram user ids.
    public func userIds(_ name: String) -> Set<Int64> {
        guard let text = raw(name) else { return [] }
        var ids: Set<Int64> = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let id = Int64(item), id > 0 else {
                report(name, "must list numeric Telegram user ids separated by commas; \(String(item).debugDescription) is not one")
                continue
            }
            ids.insert(id)
        }
        return ids
    }

    public func list(_ name: String) -> [String] {
        guard let text = raw(name) else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
