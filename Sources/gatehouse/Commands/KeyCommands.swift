import ArgumentParser
import Foundation
import Guard
import Messages
import PeerKeys
import Settings
import Transport

/// `gatehouse keygen`: key pairs for the links between hosts (CURVE) and for signing jobs (Ed25519).
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a key pair: NAME.key (secret, mode 0600) and NAME.pub.",
        discussion: """
            CURVE keys (default) secure the tcp:// links: one pair per program, e.g. guard, ingress, egress and one \
            per executor host; the guard lists the .pub files each link admits. With --signing, the guard's job \
            signing key: the guard reads job-signing.key (GATEHOUSE_JOB_SIGNING_KEY_FILE), executors get \
            job-signing.pub (GATEHOUSE_JOB_PUBLIC_KEY_FILE).
            """)

    @Option(help: "The directory to write to (created with mode 0700).")
    var out: String
    @Option(help: "The file name without extension, e.g. guard, ingress, executor-host2.")
    var name: String
    @Flag(help: "An Ed25519 job signing key instead of a CURVE key.")
    var signing = false

    func run() throws {
        let publicKey: String
        if signing {
            let signer = JobSigner()
            try KeyFileWriter.write(directory: out, name: name, secret: signer.privateKeyBase64, public: signer.publicKeyBase64)
            publicKey = signer.publicKeyBase64
        } else {
            publicKey = try CurveKeyFile.generate(into: out, name: name)
        }
        print("wrote \(out)/\(name).key (secret) and \(out)/\(name).pub: \(publicKey)")
    }
}

/// `gatehouse keys`: the executor keys the guard admits on its work link.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List, accept and revoke executor keys (in the guard's database).",
        subcommands: [List.self, Accept.self, Revoke.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every executor key: pending ones knocked and were refused.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let records = try SQLitePeerKeyStore(path: try database.path()).all()
            guard !records.isEmpty else { return print("no executor keys") }
            print("STATUS    FINGERPRINT       KEY (Z85)                                 LAST SEEN")
            for record in records {
                let seen = record.lastSeenAt.map { Date(epochMillis: $0).formatted(.iso8601) } ?? "never"
                print("\(record.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(record.fingerprint)  \(record.publicKey)  \(seen)")
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Admit an executor key (its fingerprint or key, or a prefix of 6+ characters); it gets in without a restart.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The fingerprint (hex, as `gatehouse keys list` shows it) or the key, or a prefix of either.")
        var key: String

        func run() throws { try KeysCommand.set(.accepted, key, database) }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse an executor key from now on; connected executors are cut off.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The fingerprint or the key, or a prefix of either.")
        var key: String

        func run() throws { try KeysCommand.set(.revoked, key, database) }
    }

    static func set(_ status: PeerKeyRecord.Status, _ query: String, _ database: DatabaseOptions) throws {
        let store = try SQLitePeerKeyStore(path: try database.path())
        let publicKey: String
        if CurveKeyPair.isValid(query) {
            publicKey = query
        } else {
            publicKey = try store.resolve(query).publicKey
        }
        try store.setStatus(status, for: publicKey, at: Date().epochMillis)
        print("\(status.rawValue) \(PeerKeyRecord.fingerprint(of: publicKey)) \(publicKey)")
    }
}
