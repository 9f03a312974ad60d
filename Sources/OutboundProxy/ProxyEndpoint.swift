import Foundation
import ToolPolicy

/// A host and a port, as a proxy request names them: the unit of the allowlist and of every decision.
/// Hosts are kept lowercased, without brackets or a trailing dot, so that spellings of one host compare equal.
public struct ProxyEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init?(host: String, port: Int) {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty, (1...65_535).contains(port), Self.isPlausibleHost(host) else { return nil }
        self.host = host
        self.port = port
    }

    /// `host:port`, `[v6]:port`; with `defaultPort`, the port may be left out.
    public init?(authority: String, defaultPort: Int? = nil) {
        var text = Substring(authority)
        var host: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            text = text[text.index(after: close)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            text = text[colon...]
            if host.contains(":") { return nil }  // an IPv6 address must be bracketed
        } else {
            host = text
            text = ""
        }
        let port: Int?
        if text.isEmpty { port = defaultPort }
        else if text.hasPrefix(":"), text.count > 1, text.dropFirst().allSatisfy(\.isASCIIDigit), text.count <= 6 {
            port = Int(text.dropFirst())
        } else { return nil }
        guard let port else { return nil }
        self.init(host: String(host), port: port)
    }

    /// The endpoint an http(s) URL connects to (its scheme's port unless one is given).
    public init?(url text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        guard let port = components.port ?? defaultPort else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Letters, digits, `-`, `.`, `_` for names; hex digits, `:` and `.` for IPv6. Nothing that could smuggle
    /// another request line, a path or credentials.
    private static func isPlausibleHost(_ host: String) -> Bool {
        host.utf8.count <= 253 && host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-._:".unicodeScalars.contains(scalar))
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
