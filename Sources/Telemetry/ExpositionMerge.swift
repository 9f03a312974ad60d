import Foundation

/// Joins several programs' Prometheus text expositions into one: each sample gets its source's labels (`program`,
/// `peer`), and each metric family is written once, with its `# TYPE` line, however many programs report it (the
/// text format allows a family only once). Pure text work, so the guard can serve figures it did not record.
public struct ExpositionMerge {
    public struct Source {
        public var labels: [(String, String)]
        public var text: String

        public init(labels: [(String, String)], text: String) {
            self.labels = labels
            self.text = text
        }
    }

    private var typeLines: [String: String] = [:]
    private var samples: [String: [String]] = [:]

    public init() {}

    public mutating func add(_ source: Source) {
        let injected = source.labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",")
        var family: String?
        for line in source.text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count >= 4 else { continue }
                let name = String(parts[2])
                family = name
                if typeLines[name] == nil { typeLines[name] = String(line) }
            } else if line.hasPrefix("#") {
                continue  // HELP and comments: families are documented in MetricName
            } else if let family {
                samples[family, default: []].append(Self.labelled(line, with: injected))
            }
        }
    }

    /// The merged exposition, families sorted by name.
    public var text: String {
        var out = ""
        for name in typeLines.keys.sorted() {
            out += typeLines[name]! + "\n"
            for sample in samples[name] ?? [] { out += sample + "\n" }
        }
        return out
    }

    /// `name{a="b"} 1` → `name{program="x",a="b"} 1`; `name 1` → `name{program="x"} 1`.
    static func labelled(_ line: Substring, with injected: String) -> String {
        guard !injected.isEmpty else { return String(line) }
        if let brace = line.firstIndex(of: "{") {
            let rest = line[line.index(after: brace)...]
            let separator = rest.hasPrefix("}") ? "" : ","
            return line[...brace] + injected + separator + rest
        }
        guard let space = line.firstIndex(of: " ") else { return String(line) }
        return line[..<space] + "{" + injected + "}" + line[space...]
    }

    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
