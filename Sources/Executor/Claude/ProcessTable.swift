#if canImport(Glibc)
import Glibc
#endif

/// A process, told apart from a later one that reuses its pid by its start time.
struct ProcessIdentity: Hashable, Sendable {
    var pid: Int32
    /// Field 22 of /proc/<pid>/stat (clock ticks after boot).
    var startTime: UInt64
}

/// A snapshot of /proc: every process's parent, start time and state.
struct ProcessTable {
    struct Entry {
        var parent: Int32
        var startTime: UInt64
        var state: UInt8
        var isZombie: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
    }

    private(set) var entries: [Int32: Entry] = [:]

    static func read() -> ProcessTable {
        var table = ProcessTable()
        guard let directory = opendir("/proc") else { return table }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), let parsed = readStat(pid: pid) else { continue }
            table.entries[pid] = parsed
        }
        return table
    }

    static func readStat(pid: Int32) -> Entry? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let bytes = buffer[0..<count]
        // The command name (field 2) is in parentheses and may itself contain spaces or ')': split after the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime).
        guard fields.count > 19, let state = fields[0].first,
              let parent = Int32(String(decoding: fields[1], as: UTF8.self)),
              let startTime = UInt64(String(decoding: fields[19], as: UTF8.self))
        else { return nil }
        return Entry(parent: parent, startTime: startTime, state: state)
    }

    func children(of pid: Int32) -> [Int32] {
        entries.compactMap { $0.value.parent == pid ? $0.key : nil }
    }

    /// The live (non-zombie) process with exactly this identity, if any.
    func isAlive(_ identity: ProcessIdentity) -> Bool {
        guard let entry = entries[identity.pid] else { return false }
        return entry.startTime == identity.startTime && !entry.isZombie
    }
}
