import Foundation

/// Checks an uploaded file before it is written into a workspace: the name (one safe component, not hidden, not
/// a secret, not a program, an allowed type), the size, and the head of the content against what the name claims.
public struct UploadValidator: Sendable {
    public let policy: UploadPolicy

    public init(policy: UploadPolicy = .init()) {
        self.policy = policy
    }

    private static let allowedHiddenNames: Set<String> = [".gitignore", ".gitkeep"]

    /// - Returns: the name to store the file under (unchanged when it is acceptable).
    public func validateName(_ fileName: String) -> Result<String, Refusal> {
        nameRefusal(fileName).map(Result.failure) ?? .success(fileName)
    }

    /// - Parameters:
    ///   - declaredMimeType: what the sending client claimed (Telegram's `mime_type`); only used to refuse.
    ///   - size: the full size of the file in bytes.
    ///   - head: the first bytes of the file (the whole file when it is short).
    public func validate(fileName: String, declaredMimeType: String?, size: Int, head: Data) -> Result<String, Refusal> {
        if let refusal = nameRefusal(fileName) { return .failure(refusal) }
        if size < 0 || head.count > size {
            return .failure(Refusal(.invalidSize, "the file size does not add up; send the file again"))
        }
        if size > policy.maxBytes {
            return .failure(Refusal(.tooLarge,
                                    "the file is \(Self.megabytes(size)); the limit is \(Self.megabytes(policy.maxBytes))"))
        }
        let kind = contentKind(of: fileName) ?? .text
        let bytes = [UInt8](head.prefix(policy.inspectedBytes))
        let signature = FileSignature.detect(bytes)
        if let signature, signature.isExecutable {
            return .failure(Refusal(.executableFile,
                                    "the content is \(signature.displayName); programs cannot be uploaded"))
        }
        if signature == .shebang, kind != .script {
            return .failure(Refusal(.executableFile,
                                    "the file starts with #! but its name is not a script type (.sh, .py, …)"))
        }
        if let refusal = mimeRefusal(declaredMimeType, kind: kind) { return .failure(refusal) }
        if let refusal = contentRefusal(bytes, kind: kind, signature: signature,
                                        isCompleteFile: bytes.count >= size) {
            return .failure(refusal)
        }
        return .success(fileName)
    }

    // MARK: Name

    private func nameRefusal(_ name: String) -> Refusal? {
        if name.unicodeScalars.allSatisfy({ $0 == " " }) {
            return Refusal(.empty, "the file has no name")
        }
        let bytes = name.utf8.count
        if bytes > NameRules.maxNameBytes {
            return Refusal(.nameTooLong, "the file name is \(bytes) bytes long; the limit is \(NameRules.maxNameBytes)")
        }
        if name.unicodeScalars.contains("/") {
            return Refusal(.pathSeparator, "the file name contains /; send a plain file name without folders")
        }
        if let refusal = CharacterScreen.check(name) { return refusal }
        if name.unicodeScalars.allSatisfy({ $0 == "." }) {
            return Refusal(.traversal, "a file cannot be called . or ..")
        }
        if let refusal = NameRules.check(Substring(name)) { return refusal }
        if SecretFileNames.isSecret(name) {
            return Refusal(.secretFile,
                           "the name is that of a credentials file (keys, .env, .netrc, …); secrets are not accepted")
        }
        if name.unicodeScalars.first == ".", !Self.allowedHiddenNames.contains(name) {
            return Refusal(.hiddenFile, "hidden files (names starting with a dot) are not accepted")
        }
        let segments = name.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        if let executable = executableSegment(segments) {
            return Refusal(.executableFile, "\(InputExcerpt.quote("." + executable, limit: 12)) files are programs "
                           + "or libraries and cannot be uploaded")
        }
        if contentKind(of: name) == nil {
            guard segments.count > 1, let ext = segments.last else {
                return Refusal(.extensionNotAllowed, "files without an extension are not accepted (except "
                               + "Makefile, Dockerfile and similar); add an extension such as .txt")
            }
            return Refusal(.extensionNotAllowed, "\(InputExcerpt.quote("." + ext, limit: 12)) files are not "
                           + "accepted; send code, text, Markdown, JSON/YAML, PDF or PNG/JPEG/GIF/WebP images")
        }
        return nil
    }

    /// The last extension when it is a program type, or `so` in a versioned library name (`libssl.so.3`).
    private func executableSegment(_ segments: [Substring]) -> Substring? {
        guard segments.count > 1 else { return nil }
        if let last = segments.last, UploadPolicy.executableExtensions.contains(String(last)) { return last }
        let extensions = segments.dropFirst()
        if let so = extensions.lastIndex(of: "so"),
           extensions[(so + 1)...].allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            return extensions[so]
        }
        return nil
    }

    private func contentKind(of name: String) -> UploadPolicy.ContentKind? {
        if policy.allowedBareNames.contains(name) { return .text }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        // gzip only around a tar: a lone `.gz` would be saved as an opaque blob, not unpacked.
        if ext == "gz", !name.lowercased().hasSuffix(".tar.gz") { return nil }
        return policy.allowedExtensions[ext]
    }

    // MARK: Content

    /// Only refuses: a client's MIME type is a claim, not evidence, so it can condemn a file but never clear one.
    private func mimeRefusal(_ declared: String?, kind: UploadPolicy.ContentKind) -> Refusal? {
        guard let declared else { return nil }
        let mime = declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            ?? ""
        if Self.executableMimeTypes.contains(mime) {
            return Refusal(.executableFile, "the sending app says the file is a program; programs cannot be uploaded")
        }
        if let claimed = Self.specificMimeTypes[mime], claimed != kind {
            return Refusal(.contentMismatch, "the sending app says the file is \(Self.describe(claimed)), which "
                           + "does not match its name")
        }
        return nil
    }

    private static let executableMimeTypes: Set<String> = [
        "application/x-msdownload", "application/x-dosexec", "application/x-executable", "application/x-elf",
        "application/x-mach-binary", "application/x-sharedlib", "application/vnd.microsoft.portable-executable",
        "application/x-msi", "application/x-ms-installer", "application/vnd.android.package-archive",
        "application/x-apple-diskimage", "application/java-archive", "application/x-java-archive",
        "application/x-ms-shortcut", "application/x-bat", "application/x-msdos-program",
    ]

    private static let specificMimeTypes: [String: UploadPolicy.ContentKind] = [
        "image/png": .png, "image/jpeg": .jpeg, "image/jpg": .jpeg, "image/gif": .gif, "image/webp": .webp,
        "application/pdf": .pdf, "application/zip": .zip, "application/x-tar": .tar, "application/gzip": .gzip,
        "application/x-gzip": .gzip,
    ]

    private func contentRefusal(_ bytes: [UInt8], kind: UploadPolicy.ContentKind, signature: FileSignature?,
                                isCompleteFile: Bool) -> Refusal? {
        let expected: FileSignature
        switch kind {
        case .text, .script:
            switch TextContent.check(bytes, isCompleteFile: isCompleteFile) {
            case .text: return nil
            case .containsNUL:
                return Refusal(.binaryContent, "the file contains NUL bytes, so it is not text; its name says it is")
            case .invalidUTF8:
                return Refusal(.binaryContent, "the file is not valid UTF-8 text; save it as UTF-8 and send it again")
            }
        case .png: expected = .png
        case .jpeg: expected = .jpeg
        case .gif: expected = .gif
        case .webp: expected = .webp
        case .pdf: expected = .pdf
        case .zip: expected = .zip
        case .tar: expected = .tar
        case .gzip: expected = .gzip
        }
        guard signature == expected else {
            let found = signature.map { "it is \($0.displayName)" } ?? "its content is not recognised"
            return Refusal(.contentMismatch, "the name says \(expected.displayName) but \(found)")
        }
        return nil
    }

    private static func describe(_ kind: UploadPolicy.ContentKind) -> String {
        switch kind {
        case .text, .script: "text"
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .pdf: "a PDF document"
        case .zip: "a zip archive"
        case .tar: "a tar archive"
        case .gzip: "a gzip-compressed tar archive"
        }
    }

    private static func megabytes(_ bytes: Int) -> String {
        // Kilobytes first, so no size (up to Int.max) can overflow the arithmetic.
        let tenths = (bytes / 1024 * 10 + 512) / 1024
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
