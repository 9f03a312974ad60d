import Foundation
import Logging
import PeerKeys
import Synchronization
import Transport

/// The guard's three ROUTER sockets and, when any of them is `tcp://` with keys configured, the ZAP handler and
/// key gate that put CURVE in front of them. `ipc://` endpoints stay plaintext: they never leave the host.
final class GuardLinks: Sendable {
    let sockets: [GuardLink: RouterSocket]
    let gate: PeerKeyGate?
    private let authenticator: ZAPAuthenticator?
    private let lastSync = Mutex(ContinuousClock.now)
    private let logger: Logger

    init(configuration: GuardConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.logger = logger
        let endpoints: [GuardLink: String] = [
            .intake: configuration.endpoints.intake, .work: configuration.endpoints.work,
            .delivery: configuration.endpoints.delivery,
        ]
        let curveLinks = configuration.linkSecurity == nil ? [] : Set(endpoints.filter { $0.value.hasPrefix("tcp://") }.keys)
        var gate: PeerKeyGate?
        var authenticator: ZAPAuthenticator?
        if let security = configuration.linkSecurity, !curveLinks.isEmpty {
            let made = try PeerKeyGate(
                security: security, store: try SQLitePeerKeyStore(path: configuration.databasePath),
                curveLinks: curveLinks, logger: logger)
            gate = made
            authenticator = try ZAPAuthenticator(context: context, logger: logger) { domain, key in
                made.authorize(domain: domain, publicKey: key)
            }
        }
        try Self.prepareIPC(endpoints.values)
        var sockets: [GuardLink: RouterSocket] = [:]
        do {
            for (link, endpoint) in endpoints {
                var options = SocketOptions()
                options.linger = .milliseconds(500)
                if curveLinks.contains(link), let security = configuration.linkSecurity {
                    options.security = .curveServer(secretKey: security.secretKey.reveal(), zapDomain: link.rawValue)
                }
                sockets[link] = try RouterSocket(context: context, bind: [endpoint], options: options, logger: logger)
            }
        } catch {
            for socket in sockets.values { await socket.close() }
            await authenticator?.close()
            throw error
        }
        self.sockets = sockets
        self.gate = gate
        self.authenticator = authenticator
        logger.info("guard links", metadata: [
            "curve": "\(curveLinks.map(\.rawValue).sorted().joined(separator: ","))",
        ])
    }

    /// `ipc://` endpoints live in a directory only this user may enter.
    private static func prepareIPC(_ endpoints: some Sequence<String>) throws {
        for endpoint in endpoints where endpoint.hasPrefix("ipc://") {
            let path = String(endpoint.dropFirst("ipc://".count))
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Picks up keys accepted or revoked with `gatehouse keys`, and records keys that knocked; about once a second.
    func syncKeysIfDue() {
        guard let gate else { return }
        let due = lastSync.withLock { last in
            guard ContinuousClock.now - last >= .seconds(1) else { return false }
            last = .now
            return true
        }
        guard due else { return }
        do {
            try gate.sync()
        } catch {
            logger.error("could not refresh the executor keys", metadata: ["error": "\(error)"])
        }
    }

    /// Sockets first: a CURVE server left open without its ZAP handler would admit anyone.
    func close() async {
        for socket in sockets.values { await socket.close() }
        await authenticator?.close()
    }
}
