import Dispatch
import Foundation
import Synchronization

/// Turns a host name into every address it has (A and AAAA). Injected, so that decisions are tested with a fake.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress]
}

public enum HostResolutionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name does not exist or has no address.
    case notFound(host: String)
    /// The lookup failed (no DNS server answered, …).
    case failed(host: String, detail: String)
    case timedOut(host: String)

    public var description: String {
        switch self {
        case .notFound(let host): "\(host) has no address"
        case .failed(let host, let detail): "\(host) could not be resolved (\(detail))"
        case .timedOut(let host): "resolving \(host) took too long"
        }
    }
}

/// The system's resolver (`getaddrinfo`: /etc/hosts, then DNS, as every program on the host sees it). The call
/// blocks, so it runs on a Dispatch thread, never on the caller's (the cooperative pool has as many threads as
/// cores); past `timeout` the caller gets `.timedOut` while the lookup finishes on its own.
public struct SystemHostResolver: HostResolver {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(5)) {
        self.timeout = timeout
    }

    public func addresses(of host: String) async throws(HostResolutionError) -> [NetworkAddress] {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[NetworkAddress], HostResolutionError>, Never>) in
            let once = ResumeOnce(continuation)
            DispatchQueue.global().async { once.resume(Self.lookUp(host)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.seconds(timeout)) {
                once.resume(.failure(.timedOut(host: host)))
            }
        }
        return try outcome.get()
    }

    /// Every distinct address `getaddrinfo` gives for TCP, in its order.
    static func lookUp(_ host: String) -> Result<[NetworkAddress], HostResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            if status == EAI_NONAME || status == Self.noData { return .failure(.notFound(host: host)) }
            return .failure(.failed(host: host, detail: String(cString: gai_strerror(status))))
        }
        var addresses: [NetworkAddress] = []
        var entry = list
        while let current = entry?.pointee {
            entry = current.ai_next
            guard let raw = current.ai_addr else { continue }
            let address: NetworkAddress?
            switch Int32(current.ai_family) {
            case AF_INET:
                address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var value = pointer.pointee.sin_addr
                    return NetworkAddress(bytes: withUnsafeBytes(of: &value) { Array($0) })
                }
            case AF_INET6:
                address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var value = pointer.pointee.sin6_addr
                    return NetworkAddress(bytes: withUnsafeBytes(of: &value) { Array($0) })
                }
            default:
                address = nil
            }
            if let address, !addresses.contains(address) { addresses.append(address) }
        }
        return addresses.isEmpty ? .failure(.notFound(host: host)) : .success(addresses)
    }

    /// glibc's EAI_NODATA ("no address associated with hostname"), which Swift's Glibc module hides.
    private static let noData: Int32 = -5

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Resumes a continuation with whichever result comes first (the lookup or the timeout).
private final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<[NetworkAddress], HostResolutionError>, Never>?>

    init(_ continuation: CheckedContinuation<Result<[NetworkAddress], HostResolutionError>, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ result: Result<[NetworkAddress], HostResolutionError>) {
        continuation.withLock { $0.take() }?.resume(returning: result)
    }
}
