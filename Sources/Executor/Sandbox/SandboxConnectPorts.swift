import Foundation

/// The TCP ports a CLI tree may connect to: those of the proxies the CLI is given (HTTPS_PROXY, HTTP_PROXY, either
/// case: the executor's outbound proxy, through which the CLI also reaches the Anthropic API), or without a proxy
/// the Anthropic endpoint's (ANTHROPIC_BASE_URL, default https://api.anthropic.com, so 443); plus the operator's own
/// list. With a proxy the API's port is not opened: every :443 in the world, private ones included, would be. Pure.
enum SandboxConnectPorts {
    static let proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]

    static func ports(environment: [String: String], allowed: [Int]) -> [Int] {
        var ports = Set(allowed)
        let proxies = proxyVariables.compactMap { port(of: environment[$0]) }
        if proxies.isEmpty {
            ports.insert(port(of: environment["ANTHROPIC_BASE_URL"]) ?? 443)
        } else {
            ports.formUnion(proxies)
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
