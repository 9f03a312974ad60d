import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ports for servers the tests and benchmarks start in another process (which cannot report a port 0 back).
public enum LoopbackPort {
    /// A loopback TCP port nobody listens on now (the kernel's pick, so two suites do not collide by chance).
    public static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw HarnessError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
