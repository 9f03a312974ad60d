#if canImport(CMalloc)
import CMalloc
#endif

/// Handing back what a process holds but no longer uses: the C heap's free pages (`malloc_trim`: Swift's and
/// SQLite's allocations both live there) and the code pages it ran (`ExecutableCode`). One action for the whole
/// process, whatever decided it was time: a quiet spell (`IdleMemoryRelease`) or the end of a flood (the guard's
/// burst watch, which first shrinks its SQLite page cache so that what it frees is trimmed too).
public enum MemoryRelease {
    /// A few hundred microseconds; safe at any moment.
    public static func perform() {
        #if canImport(CMalloc)
        _ = malloc_trim(0)
        #endif
        ExecutableCode.dropResidentPages()
    }
}
