import CompressNIO
import NIOCore

/// Bytes pulled a window at a time: a tar stream, plain or out of gzip.
protocol ByteSource {
    /// Up to `count` bytes (fewer when a window ends), or nil at the end of the stream.
    mutating func read(upTo count: Int) throws(ArchiveRefusal) -> ByteBuffer?
}

struct PlainByteSource: ByteSource {
    private var buffer: ByteBuffer

    init(_ data: [UInt8]) { buffer = ByteBuffer(bytes: data) }

    mutating func read(upTo count: Int) -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return nil }
        return buffer.readSlice(length: min(count, buffer.readableBytes, ArchiveReader.windowBytes))
    }
}

/// Inflates a gzip (or raw deflate) stream into one fixed window, refilled only once the reader has taken all of
/// it: memory stays at the input plus one window however much the stream unpacks to.
struct InflatingByteSource: ByteSource {
    private var input: ByteBuffer
    private var window: ByteBuffer
    private let decompressor: ZlibDecompressor
    /// zlib may still hold output after the input is all consumed when the window filled up; only a call that
    /// leaves room in the window proves it has given everything.
    private var drained = false
    /// zlib reached the end of the stream (for gzip: with a matching checksum and length). A stream that stops
    /// before is refused, not taken as a shorter archive.
    private var ended = false

    init(_ data: [UInt8], gzip: Bool) throws(ArchiveRefusal) {
        input = ByteBuffer(bytes: data)
        window = ByteBuffer()
        window.reserveCapacity(ArchiveReader.windowBytes)
        do {
            decompressor = try ZlibDecompressor(algorithm: gzip ? .gzip : .deflate)
        } catch {
            throw ArchiveRefusal("corrupt", "it could not be decompressed")
        }
    }

    /// Asked with no input left and nothing pending: zlib answers "stream end" again only if it saw the end,
    /// otherwise it reports that it needs more input.
    private mutating func streamEnded() -> Bool {
        var probe = ByteBuffer()
        probe.reserveCapacity(16)
        do {
            try decompressor.inflate(from: &input, to: &probe)
            return probe.readableBytes == 0
        } catch {
            return false
        }
    }

    mutating func read(upTo count: Int) throws(ArchiveRefusal) -> ByteBuffer? {
        while window.readableBytes == 0 {
            if drained {
                guard ended else { throw ArchiveRefusal("corrupt", "its compressed data is cut short") }
                return nil
            }
            window.clear()
            do {
                try decompressor.inflate(from: &input, to: &window)
                // Returned normally: the stream ended (what follows it is ignored), or all the input is used up
                // with room left in the window. Either way there is nothing more to come.
                drained = true
                // Input left over means zlib saw the end; none left is ambiguous, and one more call tells.
                ended = input.readableBytes > 0 || streamEnded()
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                drained = true
            } catch {
                throw ArchiveRefusal("corrupt", "its compressed data is damaged")
            }
        }
        return window.readSlice(length: min(count, window.readableBytes))
    }
}
