import Foundation

/// Lexical SSRF screening of a URL Claude wants to fetch: refuses non-web schemes and hosts that name this machine
/// or a private network (loopback, RFC 1918, CGNAT, link-local incl. cloud metadata, unique-local IPv6, the
/// unspecified address, `localhost` and internal-looking names). Numeric tricks (decimal, octal, hex, IPv4-mapped
/// IPv6) are normalised first. Names are not resolved here, so a public name that resolves to a private address is
/// not caught by this check.
public enum NetworkTarget {
    public static func problem(withURL text: String) -> String? {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased()
        else { return "the URL cannot be read" }
        guard scheme == "http" || scheme == "https" else { return "only http and https URLs may be fetched" }
        guard var host = components.host?.lowercased(), !host.isEmpty else { return "the URL has no host" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal")
            || host == "metadata" || host.hasPrefix("metadata.")
        {
            return "the URL points at this machine or an internal network"
        }
        if let ipv4 = parseIPv4(host) {
            return isPrivate(ipv4) ? "the URL points at a private, loopback or link-local address" : nil
        }
        if host.contains(":") {
            return isPrivateIPv6(host) ? "the URL points at a private, loopback or link-local address" : nil
        }
        return nil
    }

    /// Dotted quads and the shorter forms browsers accept (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`).
    static func parseIPv4(_ host: String) -> UInt32? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let text = part.lowercased()
            let value: UInt64?
            if text.hasPrefix("0x") { value = UInt64(text.dropFirst(2), radix: 16) }
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

    static func isPrivate(_ address: UInt32) -> Bool {
        let ranges: [(UInt32, Int)] = [
            (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16),
            (0xAC10_0000, 12), (0xC000_0000, 24), (0xC0A8_0000, 16), (0xC612_0000, 15), (0xE000_0000, 3),
        ]
        return ranges.contains { base, prefix in address >> (32 - UInt32(prefix)) == base >> (32 - UInt32(prefix)) }
    }

    static func isPrivateIPv6(_ host: String) -> Bool {
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return true }  // unreadable: refuse
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        if bytes.allSatisfy({ $0 == 0 }) { return true }                               // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }    // ::1
        if bytes[0] & 0xFE == 0xFC { return true }                                     // fc00::/7
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }                 // fe80::/10
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {  // ::ffff:a.b.c.d
            let v4 = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
            return isPrivate(v4)
        }
        return false
    }
}
