/// What the first bytes of a file say it is, whatever its name claims.
package enum FileSignature: Equatable {
    case png, jpeg, gif, webp, pdf
    case zip, gzip, tar
    case elf, machO, portableExecutable, webAssembly
    case shebang

    package var isExecutable: Bool {
        switch self {
        case .elf, .machO, .portableExecutable, .webAssembly: true
        default: false
        }
    }

    package var displayName: String {
        switch self {
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .pdf: "a PDF document"
        case .zip: "a zip archive"
        case .gzip: "a gzip stream"
        case .tar: "a tar archive"
        case .elf: "a Linux program (ELF)"
        case .machO: "a macOS program (Mach-O)"
        case .portableExecutable: "a Windows program (PE)"
        case .webAssembly: "a WebAssembly module"
        case .shebang: "a script starting with #!"
        }
    }

    package static func detect(_ head: [UInt8]) -> FileSignature? {
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), head.count >= 12, head[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        // A zip starts with a local header, or is empty (only the end record).
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts([0x1F, 0x8B]) { return .gzip }
        if head.count >= 263, head[257..<262].elementsEqual("ustar".utf8) { return .tar }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        let machOMagics: [[UInt8]] = [
            [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE],
            [0xCA, 0xFE, 0xBA, 0xBE], [0xBE, 0xBA, 0xFE, 0xCA],  // universal ("fat") binaries, also Java classes
        ]
        if machOMagics.contains(where: starts) { return .machO }
        if starts([0x00, 0x61, 0x73, 0x6D]) { return .webAssembly }
        if starts(Array("MZ".utf8)), looksLikeDOSHeader(head) { return .portableExecutable }
        if starts(Array("#!".utf8)) { return .shebang }
        return nil
    }

    /// A real DOS/PE header is binary: NUL bytes follow `MZ` within its 64 bytes. Text that merely starts with
    /// "MZ" has none. A head too short to tell is treated as a program.
    private static func looksLikeDOSHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 64 else { return true }
        return head[2..<64].contains(0)
    }
}
