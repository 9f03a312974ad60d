/// The archive types an upload may be, told by the name the guard validated (the guard also checked that the
/// content starts as that type claims).
enum ArchiveFormat: String, Sendable, Equatable {
    case zip
    case tar
    case tarGzip = "tar.gz"

    init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".zip") {
            self = .zip
        } else if lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") {
            self = .tarGzip
        } else if lower.hasSuffix(".tar") {
            self = .tar
        } else {
            return nil
        }
    }
}
