import Foundation
import Messages

/// Saves a job's uploads into its workspace before Claude starts, never over an existing file: a taken name gets a
/// number (`report-2.pdf`, `report-3.pdf`, …), and every file is created exclusively (O_EXCL, no symlink followed),
/// so a file appearing at the same moment is not overwritten either. Mode 0644 whatever the umask.
struct UploadWriter {
    /// Telegram delivers at most 20 MB a file; an album of ten photos stays far below this.
    static let totalLimit = 50 * 1024 * 1024
    static let maximumNameBytes = 255
    /// How many numbered names are tried before giving up.
    static let maximumNumber = 1_000

    struct Saved: Equatable, Sendable {
        /// The name the person's file had.
        var requested: String
        /// The name it has in the workspace.
        var saved: String
        var isImage: Bool
    }

    struct Failure: Error, Equatable, CustomStringConvertible {
        /// `bad_name`, `too_large`, `name_taken`, `write_failed`.
        var code: String
        var message: String
        var description: String { "\(code): \(message)" }
    }

    /// - Parameter directory: the workspace's real path.
    /// - Returns: what was saved, in order. On a failure nothing of this call is left behind.
    static func save(_ files: [JobFile], into directory: String) throws(Failure) -> [Saved] {
        for file in files {
            try checkName(file.name)
        }
        let total = files.reduce(0) { $0 + $1.data.count }
        guard total <= totalLimit else {
            throw Failure(code: "too_large", message: "the uploads are \(total) bytes; the limit is \(totalLimit)")
        }
        var saved: [Saved] = []
        do throws(Failure) {
            for file in files {
                let name = try create(file, in: directory)
                saved.append(Saved(requested: file.name, saved: name, isImage: file.isImage))
            }
        } catch {
            for done in saved { unlink(directory + "/" + done.saved) }
            throw error
        }
        return saved
    }

    /// Takes saved uploads out again (a later upload of the same job was refused).
    static func remove(_ saved: [Saved], from directory: String) {
        for file in saved { unlink(directory + "/" + file.saved) }
    }

    /// Defence in depth: the guard checked the name, but a name that is a path would escape the workspace.
    static func checkName(_ name: String) throws(Failure) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0),
              name.utf8.count <= maximumNameBytes
        else { throw Failure(code: "bad_name", message: "an upload's name is not a plain file name") }
    }

    /// `name` itself for 1, then `base-2.ext`, `base-3.ext`, … (the number goes before the last extension).
    static func candidate(_ name: String, number: Int) -> String {
        guard number > 1 else { return name }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            return "\(name[..<dot])-\(number)\(name[dot...])"
        }
        return "\(name)-\(number)"
    }

    private static func create(_ file: JobFile, in directory: String) throws(Failure) -> String {
        for number in 1...maximumNumber {
            let name = candidate(file.name, number: number)
            let path = directory + "/" + name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw Failure(code: "write_failed", message: "cannot create \(name): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            do {
                // The umask may have taken bits away; the brief for uploads is rw-r--r--.
                guard fchmod(descriptor, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: file.data)
            } catch {
                unlink(path)
                throw Failure(code: "write_failed", message: "cannot write \(name): \(error)")
            }
            return name
        }
        throw Failure(code: "name_taken", message: "\(file.name) and its first \(maximumNumber) numbered names are taken")
    }

    /// What the prompt gets appended, so Claude knows the files are there (and looks at images: the Read tool
    /// shows an image file to the model). Empty when nothing was saved.
    static func note(for saved: [Saved]) -> String {
        guard !saved.isEmpty else { return "" }
        let listed = saved.map { file in
            file.saved == file.requested
                ? file.saved
                : "\(file.requested) (saved as \(file.saved) because \(file.requested) existed)"
        }
        var note = "\n\n[Files the user sent are saved in the current directory: \(listed.joined(separator: ", "))."
        let images = saved.filter(\.isImage).map(\.saved)
        if !images.isEmpty {
            note += " Look at the image file(s) with the Read tool: \(images.joined(separator: ", "))."
        }
        return note + "]"
    }
}
