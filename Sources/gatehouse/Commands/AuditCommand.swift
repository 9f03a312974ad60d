import ArgumentParser
import Foundation
import Guard
import Ledger

/// `gatehouse audit tail|verify`: read the hash-chained audit log, and check that no entry was changed or removed.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read or verify the audit log.", subcommands: [Tail.self, Verify.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the last entries (and, with --follow, new ones as they come).")
        @Option(name: [.customShort("n"), .long], help: "How many entries.") var lines = 50
        @Flag(help: "Keep printing new entries.") var follow = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let ledger = try database.open()
            var next: Int64 = 1
            for record in try ledger.auditTail(limit: max(0, lines)) {
                print(Self.line(record))
                next = (record.seq ?? 0) + 1
            }
            while follow {
                try await Task.sleep(for: .milliseconds(500))
                for record in try ledger.audit(fromSeq: next, limit: 1_000) {
                    print(Self.line(record))
                    next = (record.seq ?? 0) + 1
                }
            }
        }

        static func line(_ record: AuditRecord) -> String {
            let who = record.userId.map(String.init) ?? record.subject ?? "-"
            return "\(record.seq ?? 0)\t\(OperatorClock.format(record.at))\t\(who)\t\(record.event)\t\(record.text)"
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain: exits 1 naming the first entry that was edited or removed.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let ledger = try database.open()
            var prevHash = AuditChain.genesis
            var seq: Int64 = 1
            var count = 0
            while true {
                let page = try ledger.audit(fromSeq: seq, limit: 5_000)
                if page.isEmpty { break }
                if let broken = AuditChain.verify(page, after: prevHash, firstSeq: seq) {
                    FileHandle.standardError.write(Data("BROKEN: \(broken)\n".utf8))
                    throw ExitCode(1)
                }
                count += page.count
                prevHash = page.last?.hash ?? prevHash
                seq = (page.last?.seq ?? seq) + 1
            }
            print("audit log intact: \(count) entries; last hash \(prevHash)")
            print("(keep the last hash somewhere else to detect the log being cut short later)")
        }
    }
}
