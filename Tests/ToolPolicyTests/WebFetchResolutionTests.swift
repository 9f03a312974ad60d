import Messages
import Synchronization
import Testing
import ToolPolicy

/// A resolver that answers from a table and remembers what it was asked.
final class TableResolver: HostResolver {
    let table: [String: Result<[NetworkAddress], HostResolutionError>]
    private let asked = Mutex<[String]>([])

    init(_ table: [String: [String]], failing: [String: HostResolutionError] = [:]) {
        var entries: [String: Result<[NetworkAddress], HostResolutionError>] = [:]
        for (host, literals) in table { entries[host] = .success(literals.compactMap(NetworkAddress.literal)) }
        for (host, error) in failing { entries[host] = .failure(error) }
        self.table = entries
    }

    var questions: [String] { asked.withLock { $0 } }

    func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress] {
        asked.withLock { $0.append(host) }
        return try (table[host] ?? .failure(.notFound(host: host))).get()
    }
}

/// WebFetch on the guard's side: names are resolved and every address (A and AAAA) is checked.
@Suite struct WebFetchResolutionTests {
    let workspace = "/srv/projects/app"
    let resolver = TableResolver([
        "public.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        "rebind.example": ["127.0.0.1"],
        "meta.example": ["169.254.169.254"],
        "mixed.example": ["93.184.215.14", "10.0.0.5"],
        "six.example": ["93.184.215.14", "::1"],
        "mapped.example": ["::ffff:169.254.169.254"],
    ], failing: ["broken.example": .failed(host: "broken.example", detail: "Temporary failure in name resolution")])

    func decide(_ url: String, policy: ToolPolicy = ToolPolicy()) async -> PolicyVerdict {
        await policy.decide(toolName: "WebFetch", input: .object(["url": .string(url), "prompt": .string("p")]),
                            workspace: workspace, resolver: resolver)
    }

    @Test func aPublicNameIsAskedAsBefore() async {
        #expect(await decide("https://public.example/docs?q=1") == .ask(reason: "Claude wants to fetch a web page"))
        #expect(resolver.questions == ["public.example"])
    }

    @Test(arguments: [
        ("https://rebind.example/", "127.0.0.1"), ("http://meta.example/latest/meta-data", "169.254.169.254"),
        ("https://mixed.example/", "10.0.0.5"), ("https://six.example/", "::1"),
        ("https://mapped.example/", "::ffff:169.254.169.254"), ("https://REBIND.example./", "127.0.0.1"),
    ])
    func aNameResolvingToAnyPrivateAddressIsDenied(url: String, address: String) async {
        guard case .deny(let reason) = await decide(url) else { Issue.record("\(url) not denied"); return }
        #expect(reason.contains("resolves to \(address)"), "\(reason)")
    }

    @Test func aNameThatDoesNotResolveIsDenied() async {
        for url in ["https://nowhere.example/", "https://broken.example/"] {
            guard case .deny(let reason) = await decide(url) else { Issue.record("\(url) not denied"); continue }
            #expect(reason.hasPrefix("the host name could not be resolved"), "\(reason)")
        }
    }

    @Test(arguments: [
        "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://[::1]/",
        "http://[::ffff:169.254.169.254]/", "http://169.254.169.254/latest", "http://localhost:8080/",
        "http://metadata.google.internal/", "http://redis/", "file:///etc/passwd", "gopher://x.example/",
    ])
    func lexicalChecksStillDenyWithoutALookup(url: String) async {
        guard case .deny = await decide(url) else { Issue.record("\(url) not denied"); return }
        #expect(resolver.questions.isEmpty, "\(url) was resolved")
        guard case .deny = ToolPolicy().decide(toolName: "WebFetch", input: .object(["url": .string(url)]), workspace: workspace)
        else { Issue.record("\(url) not denied lexically"); return }
    }

    @Test func aPublicAddressNeedsNoLookup() async {
        #expect(await decide("https://93.184.215.14/") == .ask(reason: "Claude wants to fetch a web page"))
        #expect(resolver.questions.isEmpty)
    }

    @Test func theOperatorsChoiceStillApplies() async {
        var file = ToolPolicyFile()
        file.webFetch = .allow
        let allowing = ToolPolicy(file: file)
        #expect(await decide("https://public.example/", policy: allowing) == .allow)
        guard case .deny = await decide("https://rebind.example/", policy: allowing) else {
            Issue.record("an allowed WebFetch to a rebinding name was not denied"); return
        }
    }

    @Test func otherToolsAreNotResolved() async {
        let verdict = await ToolPolicy().decide(toolName: "WebSearch", input: .object(["query": .string("rebind.example")]),
                                                workspace: workspace, resolver: resolver)
        #expect(verdict == .allow)
        #expect(resolver.questions.isEmpty)
    }

    @Test func theSystemResolverFindsLocalhostAndRefusesIt() async throws {
        let addresses = try await SystemHostResolver().addresses(of: "localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0.scope == .loopback })
        #expect(NetworkTarget.problem(withAddresses: addresses, host: "localhost") != nil)
        await #expect(throws: HostResolutionError.self) { try await SystemHostResolver().addresses(of: "no-such-host.invalid") }
    }
}
