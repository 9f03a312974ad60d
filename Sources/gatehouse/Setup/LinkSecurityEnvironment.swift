import Foundation
import Guard
import PeerKeys
import Settings
import Transport

/// CURVE settings of the links between the programs. `tcp://` endpoints need keys in production (start-up fails
/// with a configuration error otherwise); `ipc://` endpoints stay plaintext, on one host.
///
/// - `GATEHOUSE_CURVE_SECRET_KEY_FILE`: this program's own secret key (`gatehouse keygen`).
/// - `GATEHOUSE_GUARD_PUBLIC_KEY` / `_FILE`: the guard's public key, for ingress, executors and egress.
/// - `GATEHOUSE_INGRESS_KEYS`, `GATEHOUSE_EGRESS_KEYS`, `GATEHOUSE_EXECUTOR_KEYS`: for the guard, the public keys
///   each link admits: comma-separated keys, `.pub` files or directories of them. More executor keys can be
///   accepted at run time with `gatehouse keys accept`.
extension ProgramEnvironment {
    static let curveSecretKeyVariable = "GATEHOUSE_CURVE_SECRET_KEY_FILE"
    static let guardPublicKeyVariable = "GATEHOUSE_GUARD_PUBLIC_KEY"

    func guardLinkSecurity() -> GuardLinkSecurity? {
        let tcpLinks = [("GATEHOUSE_INTAKE_ENDPOINT", endpoints.intake), ("GATEHOUSE_WORK_ENDPOINT", endpoints.work),
                        ("GATEHOUSE_DELIVERY_ENDPOINT", endpoints.delivery)].filter { $0.1.hasPrefix("tcp://") }
        guard !tcpLinks.isEmpty else { return nil }
        guard let secretKey = ownCurveSecretKey(usedFor: tcpLinks.map(\.0)) else { return nil }
        func keys(_ variable: String, required: Bool) -> Set<String> {
            var keys: Set<String> = []
            for location in reader.list(variable) {
                do {
                    keys.formUnion(try CurveKeyFile.readPublicKeys(at: location))
                } catch {
                    reader.report(variable, "\(error)")
                }
            }
            if required && keys.isEmpty && reader.raw(variable) == nil {
                reader.report(variable, "is required with a tcp:// endpoint: the public keys this link admits (files, or a directory of .pub files, from gatehouse keygen)")
            }
            return keys
        }
        return GuardLinkSecurity(
            secretKey: secretKey,
            ingressKeys: keys("GATEHOUSE_INGRESS_KEYS", required: endpoints.intake.hasPrefix("tcp://")),
            egressKeys: keys("GATEHOUSE_EGRESS_KEYS", required: endpoints.delivery.hasPrefix("tcp://")),
            executorKeys: keys("GATEHOUSE_EXECUTOR_KEYS", required: false))
    }

    /// The client side of one peer's link to the guard.
    func peerLinkSecurity(endpoint: String, variable: String) -> SocketOptions.Security {
        guard endpoint.hasPrefix("tcp://") else { return .none }
        guard let secretKey = ownCurveSecretKey(usedFor: [variable]) else { return .none }
        let guardKey = reader.raw(Self.guardPublicKeyVariable) ?? reader.raw(Self.guardPublicKeyVariable + "_FILE").flatMap { path in
            do {
                return try CurveKeyFile.readPublicKeys(at: path).first
            } catch {
                reader.report(Self.guardPublicKeyVariable + "_FILE", "\(error)")
                return nil
            }
        }
        guard let guardKey else {
            if reader.raw(Self.guardPublicKeyVariable + "_FILE") == nil {
                reader.report(Self.guardPublicKeyVariable, "is required with a tcp:// endpoint: the guard's public key (or \(Self.guardPublicKeyVariable)_FILE, its guard.pub)")
            }
            return .none
        }
        guard CurveKeyPair.isValid(guardKey), let publicKey = try? CurveKeyPair.publicKey(forSecretKey: secretKey.reveal()) else {
            reader.report(Self.guardPublicKeyVariable, "is not a CURVE public key (40 Z85 characters)")
            return .none
        }
        return .curveClient(serverPublicKey: guardKey, publicKey: publicKey, secretKey: secretKey.reveal())
    }

    /// This program's CURVE secret key; in production a `tcp://` endpoint without one is a configuration error.
    private func ownCurveSecretKey(usedFor variables: [String]) -> Secret? {
        guard let path = reader.raw(Self.curveSecretKeyVariable) else {
            if environment == .production {
                reader.report(Self.curveSecretKeyVariable, "is required: \(variables.joined(separator: ", ")) use tcp://, and links between hosts must be encrypted and authenticated with CURVE. Make keys with `gatehouse keygen --out DIR --name NAME`, or use ipc:// on one host (ENVIRONMENT=development allows plaintext tcp://)")
            }
            return nil
        }
        do {
            return Secret(try CurveKeyFile.readSecretKey(at: path))
        } catch {
            reader.report(Self.curveSecretKeyVariable, "\(error)")
            return nil
        }
    }
}
