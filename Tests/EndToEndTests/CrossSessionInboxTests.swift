import Foundation
import Synchronization
import TestSupport
import Testing

/// The pinned CLI opens a "cross-session inbox" by default: a unix socket in `$XDG_RUNTIME_DIR/cc-socks` that takes
/// user messages for its session, without authentication on Linux. Every job's CLI runs as the same user, and a
/// confined process can still find a pathname socket in `/proc/net/unix` and connect to it, so one person's job
/// could put words into another person's session. The executor keeps the CLI from listening at all.
@Suite(.serialized) struct CrossSessionInboxTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    @Test func aJobsCLIListensOnNoUnixSocket() async throws {
        var options = GatehouseCluster.Options()
        options.allowedUsers = [ann.id]
        try await GatehouseCluster.with(options) { cluster in
            let workspaces = cluster.approved.resolvingSymlinksInPath().path
            // Filled by the model, asked by the CLI while it runs: what the CLI (and anything it started) in a
            // workspace listens on; nil until asked.
            let seen = Mutex<[String]?>(nil)
            cluster.anthropic.setHandler { request in
                let listening = UnixSockets.listening(byProcessesUnder: workspaces)
                seen.withLock { $0 = ($0 ?? []) + listening }
                return .text("LOOKED")
            }
            cluster.telegram.enqueueMessage(from: ann, text: "hello")
            _ = try #require(await cluster.reply(in: ann.id, containing: "LOOKED", timeout: .seconds(60)))
            let paths = seen.withLock { $0 }
            #expect(paths != nil, "the model was asked while the CLI ran")
            #expect(paths?.isEmpty == true, "the CLI listens on \(paths ?? [])")
        }
    }
}

/// Listening pathname unix sockets, from `/proc`.
enum UnixSockets {
    /// The paths of the listening unix sockets held open by processes whose working directory is under `root`.
    static func listening(byProcessesUnder root: String) -> [String] {
        let listening = listeningPaths()
        var paths: [String] = []
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        for pid in pids {
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
                  cwd == root || cwd.hasPrefix(root + "/") else { continue }
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                      target.hasPrefix("socket:["), let inode = UInt64(target.dropFirst(8).dropLast()),
                      let path = listening[inode] else { continue }
                paths.append(path)
            }
        }
        return paths
    }

    /// Inode → path of every listening unix socket bound to a path (`/proc/net/unix`: flag 00010000 is
    /// `__SO_ACCEPTCON`; an abstract socket's name starts with `@`).
    static func listeningPaths() -> [UInt64: String] {
        guard let table = try? String(contentsOfFile: "/proc/net/unix", encoding: .utf8) else { return [:] }
        var paths: [UInt64: String] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[3] == "00010000", let inode = UInt64(fields[6]), fields[7].hasPrefix("/") else { continue }
            paths[inode] = String(fields[7])
        }
        return paths
    }
}
