/// Keeps only the last `capacity` bytes of the CLI's stderr.
struct ClaudeStderrTail {
    let capacity: Int
    private var bytes: [UInt8] = []

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if chunk.count >= capacity {
            bytes = Array(chunk.suffix(capacity))
            return
        }
        bytes.append(contentsOf: chunk)
        if bytes.count > capacity {
            bytes.removeFirst(bytes.count - capacity)
        }
    }

    /// The tail as text; a multi-byte character cut at the front shows as U+FFFD.
    var text: String {
        String(decoding: bytes, as: UTF8.self)
    }
}
