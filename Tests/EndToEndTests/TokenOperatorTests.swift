import Foundation
import GRDB
import TestSupport
import Testing

/// The operator's token commands against a running guard: `token issue` refuses a secret that is not the guard's
/// (its tokens would never work), and `token revoke` takes `--token TOKEN_ID` or `--user USER_ID`.
@Suite(.serialized) struct TokenOperatorTests {
    let nina = FakeTelegramUser(id: 2003, firstName: "Nina")
    let otto = FakeTelegramUser(id: 2004, firstName: "Otto")
    static let secret = "e2e-token-SECRET-0123456789abcdef0123456789"

    var options: GatehouseCluster.Options {
        var options = GatehouseCluster.Options()
        options.environment = ["ENABLE_TOKEN_AUTH": "true", "AUTH_TOKEN_SECRET": Self.secret]
        return options
    }

    func issue(_ cluster: GatehouseCluster, to user: FakeTelegramUser) throws -> (token: String, id: String) {
        let issued = try cluster.runTool(["token", "issue", "--user", String(user.id), "--ttl", "1h"])
        #expect(issued.status == 0, "\(issued.errors)")
        let token = issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
        cluster.extraSecrets.append(token)
        return (token, String(token.split(separator: "_")[1]))
    }

    @Test func issueRefusesAnotherSecretAndRevokeTakesAUserOrAToken() async throws {
        try await GatehouseCluster.with(options) { cluster in
            let telegram = cluster.telegram
            _ = await cluster.waitForLog(timeout: .seconds(20)) { $0.contains("guard ready") ? true : nil }

            // Another secret than the guard's: refused, nothing printed, nothing stored.
            let otherSecret = "another-SECRET-fedcba9876543210fedcba9876543210"
            cluster.extraSecrets.append(otherSecret)
            let wrong = try cluster.runTool(
                ["token", "issue", "--user", String(nina.id)], overrides: ["AUTH_TOKEN_SECRET": otherSecret])
            #expect(wrong.status == 1)
            #expect(wrong.errors.contains("AUTH_TOKEN_SECRET is not the guard's"), "\(wrong.errors)")
            #expect(wrong.output.isEmpty, "a token was printed: \(wrong.output)")
            let listed = try cluster.runTool(["token", "list"])
            #expect(listed.output.contains("No tokens."), "\(listed.output)")

            // Two tokens for Nina, one for Otto; Nina signs in.
            let first = try issue(cluster, to: nina)
            _ = try issue(cluster, to: nina)
            let ottos = try issue(cluster, to: otto)
            telegram.enqueueMessage(from: nina, text: "/auth \(first.token)")
            _ = try #require(await cluster.reply(in: nina.id, containing: "Signed in"))

            // --user revokes all of hers and signs her out; --token only the one named.
            let both = try cluster.runTool(["token", "revoke", "--user", String(nina.id), "--token", ottos.id])
            #expect(both.status != 0, "--user and --token together are refused")
            let byUser = try cluster.runTool(["token", "revoke", "--user", String(nina.id)])
            #expect(byUser.status == 0, "\(byUser.errors)")
            #expect(byUser.output.components(separatedBy: "revoked").count - 1 == 2, "\(byUser.output)")
            telegram.enqueueMessage(from: nina, text: "are you there?")
            _ = try #require(await cluster.reply(in: nina.id, containing: "not allowed"), "still signed in after revoke --user")
            let byToken = try cluster.runTool(["token", "revoke", "--token", ottos.id])
            #expect(byToken.status == 0 && byToken.output.contains("revoked \(ottos.id)"), "\(byToken)")
            let after = try cluster.runTool(["token", "list"]).output
            #expect(!after.contains("\tvalid\t"), "\(after)")

            // The database holds a keyed fingerprint of the secret, never the secret.
            let database = try DatabaseQueue(path: cluster.databasePath)
            let stored = try await database.read { db in try String.fetchAll(db, sql: "SELECT value FROM keyring") }
            #expect(!stored.contains { $0.contains(Self.secret) })
            #expect(cluster.leakedSecrets().isEmpty, "\(cluster.leakedSecrets())")
        }
    }
}
