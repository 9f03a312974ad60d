import Foundation

/// SSRF screening of a URL Claude wants to fetch. `problem(withURL:)` is lexical: it refuses non-web schemes and
/// hosts that name this machine or a private network (loopback, RFC 1918, CGNAT, link-local incl. cloud metadata,
/// unique-local IPv6, the unspecified address, `localhost` and internal-looking names), after normalising numeric
/// tricks (decimal, octal, hex, IPv4-mapped IPv6). `problem(withURL:resolver:)` also resolves the name and refuses
/// it when any of its addresses is out of bounds (see `NetworkAddress`).
///
/// This is the guard's early, explainable answer. It cannot see what a name resolves to when the fetch happens
/// (DNS rebinding) nor where a redirect leads: the executor's outbound proxy screens every connection at connect
/// time, and connects to the address it checked.
public enum NetworkTarget {
    public static func problem(withURL text: String) -> String? {
        switch lexicalScreen(text) {
        case .refuse(let problem): problem
        case .address, .name: nil
        }
    }

    /// The lexical check, then every address the host resolves to. A name that does not resolve is refused: the
    /// proxy could not connect to it either, and a name only this side cannot resolve (split DNS) is an internal one.
    public static func problem(withURL text: String, resolver: any HostResolver) async -> String? {
        switch lexicalScreen(text) {
        case .refuse(let problem):
            return problem
        case .address:
            return nil
        case .name(let host):
            do {
                return problem(withAddresses: try await resolver.addresses(of: host), host: host)
            } catch {
                return "the host name could not be resolved: \(error)"
            }
        }
    }

    /// Why a host with these addresses may not be reached, or nil when every one is on the public internet.
    public static func problem(withAddresses addresses: [NetworkAddress], host: String) -> String? {
        guard !addresses.isEmpty else { return "\(host) has no address" }
        for address in addresses {
            if let refusal = address.scope.refusal { return "\(host) resolves to \(address), \(refusal)" }
        }
        return nil
    }

    enum LexicalScreen: Equatable {
        case refuse(String)
        /// The host is an address, already checked.
        case address(NetworkAddress)
        /// The host is a name that passed the lexical checks; its addresses are still to be checked.
        case name(String)
    }

    static func lexicalScreen(_ text: String) -> LexicalScreen {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased()
        else { return .refuse("the URL cannot be read") }
        guard scheme == "http" || scheme == "https" else { return .refuse("only http and https URLs may be fetched") }
        guard var host = components.host?.lowercased(), !host.isEmpty else { return .refuse("the URL has no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if let address = NetworkAddress.literal(host) {
            return address.isPublic ? .address(address) : .refuse("the URL points at a private, loopback or link-local address")
        }
        if NetworkAddress.isUnreadableIPv6(host) { return .refuse("the URL points at a private, loopback or link-local address") }
        if NetworkAddress.internalNameProblem(host) != nil {
            return .refuse("the URL points at this machine or an internal network")
        }
        return .name(host)
    }
}
