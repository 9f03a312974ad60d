import Foundation

/// Network namespaces joined by veth pairs, for running the programs as if on separate hosts (needs root and
/// `ip`). Every name carries a random tag so parallel runs never collide; `tearDown()` removes all of it and is
/// safe to call more than once (deleting a namespace also deletes the veth ends inside it).
public final class NetworkLab {
    public let tag: String
    /// Namespaces created, by short name.
    public private(set) var namespaces: [String: String] = [:]
    private var rootLinks: [String] = []
    private let ip: String
    /// A /16 of its own in 10.0.0.0/8, picked at random.
    private let octet: Int
    private var nextSubnet = 0

    /// Why the lab cannot run here (not root, or no `ip`), or nil.
    public static func unavailableReason() -> String? {
        guard geteuid() == 0 else { return "needs root (ip netns, veth pairs); running as uid \(geteuid())" }
        guard ipPath() != nil else { return "needs the ip command (iproute2)" }
        return nil
    }

    static func ipPath() -> String? {
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public init() throws {
        guard let ip = Self.ipPath() else { throw HarnessError("no ip command") }
        self.ip = ip
        tag = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(5)).lowercased()
        octet = Int.random(in: 100...250)
    }

    deinit { tearDown() }

    /// Creates namespace `name` (loopback up).
    public func addNamespace(_ name: String) throws {
        let full = "gh\(tag)-\(name)"
        try run(["netns", "add", full])
        namespaces[name] = full
        try run(["-n", full, "link", "set", "lo", "up"])
    }

    /// A point-to-point /30 between `a` and `b` (namespace short names, or nil for this test's own namespace).
    /// Returns the addresses of the `a` and `b` ends.
    @discardableResult
    public func connect(_ a: String?, _ b: String?) throws -> (a: String, b: String) {
        let index = nextSubnet
        nextSubnet += 1
        let subnet = "10.\(octet).\(index)"
        let (addressA, addressB) = ("\(subnet).1", "\(subnet).2")
        // Interface names are limited to 15 bytes.
        let (nameA, nameB) = ("gh\(tag)\(index)a", "gh\(tag)\(index)b")
        try run(["link", "add", nameA, "type", "veth", "peer", "name", nameB])
        if a == nil { rootLinks.append(nameA) }
        if b == nil { rootLinks.append(nameB) }
        for (name, namespace, address) in [(nameA, a, addressA), (nameB, b, addressB)] {
            var scope: [String] = []
            if let namespace {
                guard let full = namespaces[namespace] else { throw HarnessError("unknown namespace \(namespace)") }
                try run(["link", "set", name, "netns", full])
                scope = ["-n", full]
            }
            try run(scope + ["addr", "add", "\(address)/30", "dev", name])
            try run(scope + ["link", "set", name, "up"])
        }
        return (addressA, addressB)
    }

    /// The argv prefix that runs a command inside namespace `name` (nil: here).
    public func exec(in name: String?) -> [String] {
        guard let name, let full = namespaces[name] else { return [] }
        return [ip, "netns", "exec", full]
    }

    public func tearDown() {
        for link in rootLinks { try? run(["link", "del", link]) }
        rootLinks = []
        for full in namespaces.values { try? run(["netns", "del", full]) }
        namespaces = [:]
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw HarnessError("ip \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}
