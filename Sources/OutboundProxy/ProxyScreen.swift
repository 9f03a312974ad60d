import ToolPolicy

/// The proxy's decision for one request, apart from any I/O: which addresses it may connect to, or why not.
/// Every address a name resolves to is checked and the connection goes to a checked address (no second lookup,
/// so DNS rebinding between check and connect is closed). Endpoints on the allowlist skip the address check.
public struct ProxyScreen: Sendable {
    public enum Step: Equatable, Sendable {
        /// The host is a name: resolve it, then ask `afterResolution`.
        case resolve(String)
        /// Connect to these addresses (in order, first that answers) at the endpoint's port.
        case connect([NetworkAddress])
        case refuse(String)
    }

    public var allowlist: Set<ProxyEndpoint>

    public init(allowlist: Set<ProxyEndpoint>) {
        self.allowlist = allowlist
    }

    public func firstStep(for endpoint: ProxyEndpoint) -> Step {
        let allowed = allowlist.contains(endpoint)
        if let address = NetworkAddress.literal(endpoint.host) {
            if allowed { return .connect([address]) }
            if let refusal = address.scope.refusal { return .refuse("\(endpoint.host) is \(refusal)") }
            return .connect([address])
        }
        if NetworkAddress.isUnreadableIPv6(endpoint.host) { return .refuse("\(endpoint.host) is not a readable address") }
        if !allowed, let problem = NetworkAddress.internalNameProblem(endpoint.host) {
            return .refuse("\(endpoint.host): \(problem)")
        }
        return .resolve(endpoint.host)
    }

    /// Refused if ANY address is out of bounds: a name with one public and one private address could be steered
    /// to the private one by whoever controls its DNS.
    public func afterResolution(for endpoint: ProxyEndpoint, addresses: [NetworkAddress]) -> Step {
        guard !addresses.isEmpty else { return .refuse("\(endpoint.host) has no address") }
        if !allowlist.contains(endpoint), let problem = NetworkTarget.problem(withAddresses: addresses, host: endpoint.host) {
            return .refuse(problem)
        }
        return .connect(addresses)
    }
}
