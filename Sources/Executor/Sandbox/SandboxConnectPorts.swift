import Foundation

/// The TCP ports a CLI tree may connect to: the Anthropic endpoint's (ANTHROPIC_BASE_URL, default
/// https://api.anthropic.com, so 443), those of the proxies the CLI is given (HTTPS_PROXY, HTTP_PROXY, either
/// case), and the operator's or caller's own list (an egress proxy). Pure.
enum SandboxConnectPorts {
    static let proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]

    static func ports(environment: [String: String], allowed: [Int]) -> [Int] {
        var ports = Set(allowed)
        ports.insert(port(of: environment["ANTHROPIC_BASE_URL"]) ?? 443)
        for name in proxyVariables {
            if let port = port(of: environment[name]) { ports.insert(port) }
        }
        return ports.sorted()
    }

    /// The URL's explicit port, else its scheme's; nil when it is not an http(s) URL.
    static func port(of url: String?) -> Int? {
        guard let url, !url.isEmpty, let components = URLComponents(string: url) else { return nil }
        if let port = components.port { return port }
        switch components.scheme?.lowercased() {
        case "https": return 443
        case "http": return 80
        default: return nil
        }
    }
}
