import Testing
import ToolPolicy

/// The one address classification the guard's WebFetch check and the executor's proxy share.
@Suite struct NetworkAddressTests {
    @Test(arguments: [
        // IPv4: every range that is not the public internet, at its edges.
        ("0.0.0.0", NetworkAddress.Scope.unspecified), ("0.255.255.255", .unspecified),
        ("10.0.0.0", .privateNetwork), ("10.255.255.255", .privateNetwork),
        ("100.64.0.0", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace), ("100.100.100.200", .sharedAddressSpace),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("169.254.0.1", .linkLocal), ("169.254.169.254", .linkLocal),
        ("172.16.0.0", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.0.0.192", .reserved), ("192.0.2.1", .reserved), ("192.88.99.1", .reserved),
        ("192.168.0.1", .privateNetwork), ("192.168.255.255", .privateNetwork),
        ("198.18.0.1", .reserved), ("198.19.255.255", .reserved), ("198.51.100.7", .reserved), ("203.0.113.9", .reserved),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("240.0.0.1", .reserved), ("255.255.255.255", .reserved),
        // Just outside those ranges: public.
        ("1.1.1.1", .publicInternet), ("8.8.8.8", .publicInternet), ("9.255.255.255", .publicInternet),
        ("11.0.0.0", .publicInternet), ("100.63.255.255", .publicInternet), ("100.128.0.0", .publicInternet),
        ("126.255.255.255", .publicInternet), ("128.0.0.0", .publicInternet), ("169.253.255.255", .publicInternet),
        ("172.15.255.255", .publicInternet), ("172.32.0.0", .publicInternet), ("192.167.255.255", .publicInternet),
        ("192.169.0.0", .publicInternet), ("198.17.255.255", .publicInternet), ("198.20.0.0", .publicInternet),
        ("223.255.255.255", .publicInternet),
        // IPv6.
        ("::", .unspecified), ("::1", .loopback), ("[::1]", .loopback),
        ("fc00::1", .uniqueLocal), ("fd00:ec2::254", .uniqueLocal), ("fdff:ffff::1", .uniqueLocal),
        ("fe80::1", .linkLocal), ("febf::1", .linkLocal), ("fec0::1", .privateNetwork),
        ("ff02::1", .multicast), ("100::1", .reserved), ("2001:db8::1", .reserved), ("2001::1", .reserved),
        ("2606:4700:4700::1111", .publicInternet), ("2a00:1450:4001:82a::200e", .publicInternet),
        // IPv6 carrying an IPv4 address is what that address is.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:8.8.8.8", .publicInternet), ("::127.0.0.1", .loopback),
        ("64:ff9b::a9fe:a9fe", .linkLocal), ("64:ff9b::808:808", .publicInternet),
        ("2002:7f00:1::", .loopback), ("2002:c0a8:101::1", .privateNetwork), ("2002:808:808::1", .publicInternet),
    ])
    func scopes(literal: String, scope: NetworkAddress.Scope) throws {
        let address = try #require(NetworkAddress.literal(literal), "\(literal)")
        #expect(address.scope == scope, "\(literal)")
        #expect(address.isPublic == (scope == .publicInternet))
        #expect((scope.refusal == nil) == (scope == .publicInternet))
    }

    @Test(arguments: [
        ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0177.1", "127.0.0.1"), ("017700000001", "127.0.0.1"),
        ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"), ("2852039166", "169.254.169.254"), ("0", "0.0.0.0"),
        ("10.1", "10.0.0.1"), ("0x", "0.0.0.0"), ("192.168.1", "192.168.0.1"), ("127.0.0.1.", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"), ("0:0:0:0:0:0:0:1", "::1"), ("::FFFF:A9FE:A9FE", "::ffff:169.254.169.254"),
    ])
    func numericSpellingsAreReadAsTheAddressTheyName(spelling: String, canonical: String) throws {
        let address = try #require(NetworkAddress.literal(spelling), "\(spelling)")
        #expect(address.description == canonical)
        #expect(!address.isPublic)
    }

    @Test(arguments: ["example.com", "256.0.0.1", "1.2.3.4.5", "0x1g", "08.0.0.1", "1..2", "", "fe80::1%eth0", "::g"])
    func namesAndGarbageAreNotAddresses(text: String) {
        #expect(NetworkAddress.literal(text) == nil, "\(text)")
    }

    @Test func anUnreadableIPv6HostIsFlagged() {
        #expect(NetworkAddress.isUnreadableIPv6("fe80::1%eth0"))
        #expect(!NetworkAddress.isUnreadableIPv6("::1"))
        #expect(!NetworkAddress.isUnreadableIPv6("example.com"))
    }

    @Test(arguments: [
        ("localhost", true), ("LOCALHOST.", true), ("api.localhost", true), ("metadata", true),
        ("metadata.google.internal", true), ("db.internal", true), ("printer.local", true), ("nas.lan", true),
        ("router.home.arpa", true), ("redis", true), ("1.0.0.127.in-addr.arpa", true), ("box.localdomain", true),
        ("example.com", false), ("docs.swift.org", false), ("localhost.example.com", false), ("api.anthropic.com", false),
    ])
    func internalLookingNames(name: String, isInternal: Bool) {
        #expect((NetworkAddress.internalNameProblem(name) != nil) == isInternal, "\(name)")
    }

    @Test func bytesRoundTrip() {
        #expect(NetworkAddress(ipv4: 0x7F00_0001).description == "127.0.0.1")
        #expect(NetworkAddress(bytes: [1, 2, 3]) == nil)
        #expect(NetworkAddress(bytes: [8, 8, 4, 4])?.isPublic == true)
    }
}
