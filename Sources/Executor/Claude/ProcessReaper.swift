#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Makes the executor the reaper of orphaned descendants, so tool processes the CLI started in their own session
/// (setsid) are re-parented to us, not to init, when the CLI dies: we can then find, kill and reap them.
public enum ProcessReaper {
    private static let enabled = Mutex<Bool?>(nil)

    /// Marks this process as a child subreaper (`PR_SET_CHILD_SUBREAPER`). Idempotent; returns whether it holds.
    /// Without it, leftovers are still killed (they are tracked from /proc) but init reaps them.
    @discardableResult
    public static func enableSubreaper() -> Bool {
        enabled.withLock { state in
            if let state { return state }
            let result = setChildSubreaper()
            state = result
            return result
        }
    }

    /// Whether `enableSubreaper()` succeeded in this process.
    public static var isSubreaper: Bool {
        enabled.withLock { $0 ?? false }
    }

    private static func setChildSubreaper() -> Bool {
        #if os(Linux)
        // prctl is variadic, so Swift does not import it; call it through a fixed five-argument signature, which is
        // how the Linux ABIs pass integer variadic arguments anyway.
        typealias PrctlFunction = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(nil, "prctl") else { return false }
        let prctl = unsafeBitCast(symbol, to: PrctlFunction.self)
        let setChildSubreaper: Int32 = 36  // PR_SET_CHILD_SUBREAPER from <linux/prctl.h>
        return prctl(setChildSubreaper, 1, 0, 0, 0) == 0
        #else
        return false
        #endif
    }
}
