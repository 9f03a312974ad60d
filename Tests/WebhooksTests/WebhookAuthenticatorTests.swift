import Crypto
import Foundation
import Messages
import Settings
import Testing
@testable import Webhooks

@Suite struct WebhookAuthenticatorTests {
    /// GitHub's documented example ("Validating webhook deliveries").
    static let githubSecret = "It's a Secret to Everybody"
    static let githubPayload = Data("Hello, World!".utf8)
    static let githubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    let authenticator = WebhookAuthenticator(githubSecret: Secret(githubSecret), apiSecret: Secret("api-secret-0123456789"))

    func headers(_ fields: [String: String]) -> (String) -> String? {
        let lowered = Dictionary(uniqueKeysWithValues: fields.map { ($0.key.lowercased(), $0.value) })
        return { lowered[$0.lowercased()] }
    }

    @Test func gitHubsDocumentedExampleChecksOut() throws {
        let result = authenticator.authenticate(hook: "github", body: Self.githubPayload, header: headers([
            "X-Hub-Signature-256": Self.githubSignature, "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            "X-GitHub-Event": "push",
        ]))
        let delivery = try result.get()
        #expect(delivery == .init(deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "push"))
    }

    @Test func uppercaseHexIsTheSameSignature() {
        let result = authenticator.authenticate(hook: "github", body: Self.githubPayload, header: headers([
            "X-Hub-Signature-256": "sha256=" + Self.githubSignature.dropFirst(7).uppercased(), "X-GitHub-Delivery": "d1",
        ]))
        #expect((try? result.get()) != nil)
    }

    @Test(arguments: [
        nil,
        "",
        "sha256=",
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",  // last digit changed
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",  // one digit short
        "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ])
    func aWrongOrMissingGitHubSignatureIsRefused(signature: String?) {
        var fields = ["X-GitHub-Delivery": "d1"]
        fields["X-Hub-Signature-256"] = signature
        let result = authenticator.authenticate(hook: "github", body: Self.githubPayload, header: headers(fields))
        #expect(result == .failure(.badSignature))
    }

    @Test func aSignatureOfAnotherBodyIsRefused() {
        let result = authenticator.authenticate(hook: "github", body: Data("Hello, World?".utf8), header: headers([
            "X-Hub-Signature-256": Self.githubSignature,
        ]))
        #expect(result == .failure(.badSignature))
    }

    @Test func withoutSecretsEverythingIsRefused() {
        let none = WebhookAuthenticator(githubSecret: nil, apiSecret: nil)
        #expect(!none.hasSecret(for: "github"))
        #expect(!none.hasSecret(for: "deploy"))
        #expect(none.authenticate(hook: "github", body: Self.githubPayload, header: headers([
            "X-Hub-Signature-256": Self.githubSignature,
        ])) == .failure(.noSecret))
        #expect(none.authenticate(hook: "deploy", body: Data("{}".utf8), header: headers([
            "Authorization": "Bearer anything",
        ])) == .failure(.noSecret))
    }

    @Test func theGitHubSecretDoesNotOpenOtherHooks() {
        let githubOnly = WebhookAuthenticator(githubSecret: Secret(Self.githubSecret), apiSecret: nil)
        #expect(githubOnly.authenticate(hook: "deploy", body: Self.githubPayload, header: headers([
            "X-Signature-256": Self.githubSignature,
        ])) == .failure(.noSecret))
    }

    @Test func aGenericHookTakesTheBearerToken() throws {
        let body = Data(#"{"ref":"main"}"#.utf8)
        let delivery = try authenticator.authenticate(hook: "deploy", body: body, header: headers([
            "Authorization": "Bearer api-secret-0123456789", "Idempotency-Key": "run-42",
        ])).get()
        #expect(delivery == .init(deliveryId: "run-42", event: nil))
        for wrong in ["Bearer api-secret-012345678", "Bearer api-secret-01234567890", "Bearer ", "Basic api-secret-0123456789",
                      "api-secret-0123456789"] {
            #expect(authenticator.authenticate(hook: "deploy", body: body, header: headers(["Authorization": wrong]))
                == .failure(.badSignature), "\(wrong)")
        }
    }

    @Test func aGenericHookTakesAnHMACSignature() throws {
        let body = Data(#"{"ref":"main"}"#.utf8)
        let delivery = try authenticator.authenticate(hook: "deploy", body: body, header: headers([
            "X-Signature-256": ReceiverHarness.signature(body, "api-secret-0123456789"), "X-Request-Id": "req-7",
        ])).get()
        #expect(delivery.deliveryId == "req-7")
        // Signed with the GitHub secret: not this hook's key.
        #expect(authenticator.authenticate(hook: "deploy", body: body, header: headers([
            "X-Signature-256": ReceiverHarness.signature(body, Self.githubSecret),
        ])) == .failure(.badSignature))
        #expect(authenticator.authenticate(hook: "deploy", body: body, header: headers([:])) == .failure(.badSignature))
    }

    @Test func withoutAnIdTheDeliveryIsTheBodysDigest() throws {
        let body = Data(#"{"a":1}"#.utf8)
        let delivery = try authenticator.authenticate(hook: "deploy", body: body, header: headers([
            "Authorization": "Bearer api-secret-0123456789",
        ])).get()
        #expect(delivery.deliveryId == Hex.lowercase(SHA256.hash(data: body)))
        #expect(delivery.deliveryId.count == 64)
    }

    @Test func anOddIdIsHashedRatherThanPassedOn() {
        let odd = "id with spaces\nand a newline"
        let id = WebhookAuthenticator.deliveryId(given: odd, body: Data())
        #expect(id.count == 64 && !id.contains(" "))
        #expect(WebhookAuthenticator.deliveryId(given: String(repeating: "a", count: 129), body: Data()).count == 64)
        #expect(WebhookAuthenticator.plainEvent("pull_request") == "pull_request")
        #expect(WebhookAuthenticator.plainEvent("push\r\nX: y") == nil)
    }

    @Test func hookNames() {
        for good in ["github", "deploy", "ci-builds", "a", "x_1", String(repeating: "a", count: 64)] {
            #expect(WebhookHookName.isValid(good), "\(good)")
        }
        for bad in ["", "Deploy", "-x", "_x", "a b", "a/b", "..", "é", String(repeating: "a", count: 65)] {
            #expect(!WebhookHookName.isValid(bad), "\(bad)")
        }
    }
}
