import Logging
import Messages

/// A job's uploads put into its workspace before Claude sees the prompt: plain files saved (never over another),
/// archives unpacked (all or nothing). What it gives back: the prompt to release, and a notice for the person.
enum JobUploads {
    struct Placed: Sendable, Equatable {
        var release: ClaudePromptRelease
        /// Shown to the person with the answer (what was unpacked), or instead of it (why an archive was not).
        var notice: String?
    }

    static func place(_ job: JobAssignment, workspace: String, logger: Logger) -> Placed {
        guard let files = job.files, !files.isEmpty else { return Placed(release: .prompt(job.prompt)) }
        let archives = files.compactMap { file in ArchiveFormat(fileName: file.name).map { (file, $0) } }
        let plain = files.filter { ArchiveFormat(fileName: $0.name) == nil }
        let saved: [UploadWriter.Saved]
        do {
            saved = try UploadWriter.save(plain, into: workspace)
        } catch {
            logger.error("uploads not saved", metadata: ["reason": "\(error)"])
            return Placed(release: .withheld(reason: "the uploaded files could not be saved: \(error)"))
        }
        var unpacked: [ArchiveUnpacker.Unpacked] = []
        for (file, format) in archives {
            do throws(ArchiveRefusal) {
                unpacked.append(try ArchiveUnpacker.unpack([UInt8](file.data), named: file.name, format: format, into: workspace))
            } catch {
                // All or nothing for the job too: what this job saved or unpacked before goes again.
                UploadWriter.remove(saved, from: workspace)
                for earlier in unpacked { ArchiveUnpacker.remove(earlier, from: workspace) }
                logger.warning("archive refused", metadata: ["archive.refusal": "\(error.code)", "archive.format": "\(format.rawValue)"])
                return Placed(release: .withheld(reason: "archive refused: \(error.code)"), notice: UnpackNote.refused(file.name, error))
            }
        }
        if !saved.isEmpty || !unpacked.isEmpty {
            logger.info("saved the uploads", metadata: [
                "files.count": "\(saved.count)", "files.renamed": "\(saved.filter { $0.saved != $0.requested }.count)",
                "archives.count": "\(unpacked.count)", "archives.files": "\(unpacked.reduce(0) { $0 + $1.files.count })",
            ])
        }
        return Placed(
            release: .prompt(job.prompt + UploadWriter.note(for: saved) + UnpackNote.prompt(unpacked)),
            notice: UnpackNote.person(unpacked))
    }
}
