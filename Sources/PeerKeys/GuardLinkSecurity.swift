import Settings

/// CURVE on the guard's `tcp://` endpoints (`ipc://` ones stay plaintext: they never leave the host). The guard
/// proves itself with its secret key; each link admits only the public keys listed for its role.
public struct GuardLinkSecurity: Sendable {
    /// The guard's CURVE secret key (Z85).
    public var secretKey: Secret
    /// Keys admitted on the intake link.
    public var ingressKeys: Set<String>
    /// Keys admitted on the delivery link.
    public var egressKeys: Set<String>
    /// Executor keys accepted from the configuration; more are accepted with `gatehouse keys accept`.
    public var executorKeys: Set<String>

    public init(secretKey: Secret, ingressKeys: Set<String>, egressKeys: Set<String>, executorKeys: Set<String>) {
        self.secretKey = secretKey
        self.ingressKeys = ingressKeys
        self.egressKeys = egressKeys
        self.executorKeys = executorKeys
    }
}
