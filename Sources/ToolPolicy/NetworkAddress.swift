import Foundation

/// One IPv4 or IPv6 address and what kind of network it belongs to. The one place Gatehouse decides whether an
/// address is out of bounds for Claude: the guard's WebFetch check and the executor's outbound proxy both ask here.
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    public let bytes: [UInt8]

    /// What an address is for; everything but `.publicInternet` is refused.
    public enum Scope: String, Sendable, CaseIterable {
        case publicInternet = "public"
        case unspecified          // 0.0.0.0/8, ::
        case loopback             // 127.0.0.0/8, ::1
        case privateNetwork = "private"  // RFC 1918, fec0::/10 (deprecated site-local)
        case sharedAddressSpace = "shared (CGNAT)"  // 100.64.0.0/10, also Alibaba's metadata address
        case linkLocal = "link-local"    // 169.254.0.0/16 (cloud metadata 169.254.169.254), fe80::/10
        case uniqueLocal = "unique-local"  // fc00::/7 (AWS's IPv6 metadata fd00:ec2::254)
        case multicast            // 224.0.0.0/4, ff00::/8
        case reserved             // documentation, benchmarking, protocol assignments, 240.0.0.0/4, broadcast, …
    }

    public init(ipv4: UInt32) {
        bytes = [UInt8(ipv4 >> 24), UInt8(ipv4 >> 16 & 0xFF), UInt8(ipv4 >> 8 & 0xFF), UInt8(ipv4 & 0xFF)]
    }

    /// nil unless `bytes` holds 4 or 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// True only for addresses on the public internet: the one scope Claude may reach.
    public var isPublic: Bool { scope == .publicInternet }

    public var scope: Scope {
        isIPv4 ? Self.scope(ipv4: ipv4Value) : v6Scope
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Reading a host as an address

    /// The address a URL host or a proxy request's host names literally, or nil for a name. Accepts what resolvers
    /// and browsers accept: dotted quads and their shorter, decimal, octal and hex spellings (`127.1`, `2130706433`,
    /// `0x7f.0.0.1`, `0177.0.0.1`), IPv6 with or without brackets, and a trailing dot.
    public static func literal(_ host: String) -> NetworkAddress? {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if let ipv4 = parseIPv4(host) { return NetworkAddress(ipv4: ipv4) }
        guard host.contains(":") else { return nil }
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
        return NetworkAddress(bytes: withUnsafeBytes(of: address) { Array($0) })
    }

    /// True for a host written like an IPv6 address that cannot be read as one (a zone id, garbage): refuse it.
    public static func isUnreadableIPv6(_ host: String) -> Bool {
        host.contains(":") && literal(host) == nil
    }

    /// Dotted quads and the shorter forms `inet_aton` and browsers accept.
    static func parseIPv4(_ host: String) -> UInt32? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let text = part.lowercased()
            let value: UInt64?
            if text.hasPrefix("0x") { value = text.count > 2 ? UInt64(text.dropFirst(2), radix: 16) : 0 }
            else if text.count > 1 && text.hasPrefix("0") { value = UInt64(text.dropFirst(), radix: 8) }
            else { value = UInt64(text, radix: 10) }
            guard let value else { return nil }
            values.append(value)
        }
        let last = values.removeLast()
        guard values.allSatisfy({ $0 <= 255 }) else { return nil }
        let remaining = 4 - values.count
        guard last < (UInt64(1) << (8 * remaining)) else { return nil }
        var address: UInt64 = 0
        for value in values { address = address << 8 | value }
        address = address << (8 * UInt64(remaining)) | last
        return UInt32(truncatingIfNeeded: address)
    }

    // MARK: - Names

    /// Why a host name (not an address) looks internal, or nil: `localhost`, single-label names (a container's
    /// or an intranet's hosts), and the suffixes private networks use (`.local`, `.internal`, `.lan`, …). Resolution
    /// is checked separately; this catches names before any lookup and names that resolve differently elsewhere.
    public static func internalNameProblem(_ host: String) -> String? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty { return "the host name is empty" }
        if name == "localhost" || name.hasSuffix(".localhost") { return "the host name points at this machine" }
        if name == "metadata" || name.hasPrefix("metadata.") { return "the host name points at a cloud metadata service" }
        if !name.contains(".") { return "a host name without a domain points at an internal network" }
        if internalSuffixes.contains(where: { name.hasSuffix($0) }) {
            return "the host name points at an internal network"
        }
        return nil
    }

    static let internalSuffixes = [
        ".local", ".internal", ".localdomain", ".lan", ".home", ".home.arpa", ".intranet", ".corp", ".private",
        ".in-addr.arpa", ".ip6.arpa",
    ]

    // MARK: - Scopes

    private var ipv4Value: UInt32 {
        UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    /// IPv4 ranges that are not the public internet (IANA special-purpose registry), most specific first.
    static let ipv4Ranges: [(base: UInt32, prefix: UInt32, scope: Scope)] = [
        (0x0000_0000, 8, .unspecified),          // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8, .privateNetwork),       // 10.0.0.0/8
        (0x6440_0000, 10, .sharedAddressSpace),  // 100.64.0.0/10
        (0x7F00_0000, 8, .loopback),             // 127.0.0.0/8
        (0xA9FE_0000, 16, .linkLocal),           // 169.254.0.0/16
        (0xAC10_0000, 12, .privateNetwork),      // 172.16.0.0/12
        (0xC000_0000, 24, .reserved),            // 192.0.0.0/24 protocol assignments (Oracle's metadata 192.0.0.192)
        (0xC000_0200, 24, .reserved),            // 192.0.2.0/24 TEST-NET-1
        (0xC058_6300, 24, .reserved),            // 192.88.99.0/24 6to4 relay
        (0xC0A8_0000, 16, .privateNetwork),      // 192.168.0.0/16
        (0xC612_0000, 15, .reserved),            // 198.18.0.0/15 benchmarking
        (0xC633_6400, 24, .reserved),            // 198.51.100.0/24 TEST-NET-2
        (0xCB00_7100, 24, .reserved),            // 203.0.113.0/24 TEST-NET-3
        (0xE000_0000, 4, .multicast),            // 224.0.0.0/4
        (0xF000_0000, 4, .reserved),             // 240.0.0.0/4 and 255.255.255.255
    ]

    static func scope(ipv4 address: UInt32) -> Scope {
        for range in ipv4Ranges where address >> (32 - range.prefix) == range.base >> (32 - range.prefix) {
            return range.scope
        }
        return .publicInternet
    }

    private var v6Scope: Scope {
        let b = bytes
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        // Addresses that carry an IPv4 address are what that address is: mapped (::ffff:0:0/96), compatible
        // (::/96, deprecated), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return embedded(at: 12) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return embedded(at: 12) }
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return embedded(at: 12) }
        if b[0] == 0x20 && b[1] == 0x02 { return embedded(at: 2) }
        if b[0] & 0xFE == 0xFC { return .uniqueLocal }                        // fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }          // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .privateNetwork }     // fec0::/10
        if b[0] == 0xFF { return .multicast }                                 // ff00::/8
        if b[0..<8] == [0x01, 0, 0, 0, 0, 0, 0, 0] { return .reserved }       // 100::/64 discard
        if b[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return .reserved }          // 2001:db8::/32 documentation
        if b[0..<4] == [0x20, 0x01, 0x00, 0x00] { return .reserved }          // 2001::/32 Teredo (hides an IPv4 address)
        if b[0] & 0xE0 != 0x20 { return .reserved }                           // outside 2000::/3, the global unicast space
        return .publicInternet
    }

    private func embedded(at offset: Int) -> Scope {
        Self.scope(ipv4: UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3]))
    }
}

extension NetworkAddress.Scope {
    /// Why an address of this scope is refused, for the person and the model (nil for the public internet).
    public var refusal: String? {
        switch self {
        case .publicInternet: nil
        case .unspecified: "the unspecified address"
        case .loopback: "a loopback address (this machine)"
        case .privateNetwork: "a private network address"
        case .sharedAddressSpace: "a carrier-grade NAT address"
        case .linkLocal: "a link-local address (cloud metadata lives there)"
        case .uniqueLocal: "a unique-local IPv6 address"
        case .multicast: "a multicast address"
        case .reserved: "a reserved address"
        }
    }
}
