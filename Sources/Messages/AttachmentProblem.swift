/// Why an attachment reaches the guard without its bytes (`InboundUpdate.Attachment.problem`): written by ingress,
/// matched by the guard to pick the reply.
///
/// The wire field stays a `String` and this is read through `Attachment.knownProblem`: ingress and the guard are
/// upgraded separately, and an update whose body failed to decode would be neither committed nor confirmed, so
/// Telegram would send it again forever. A code this build does not know is still a problem (the upload is refused
/// with the generic reply), and its raw text still goes to the audit log.
public enum AttachmentProblem: String, Codable, Sendable, CaseIterable {
    /// Over the download limit (`UPLOAD_MAX_BYTES`), by Telegram's stated size or while downloading.
    case tooLarge = "too_large"
    /// getFile or the download failed or timed out.
    case downloadFailed = "download_failed"
    /// A kind Gatehouse does not take (audio, video, animation, sticker), or a file on an edited message.
    case notDownloaded = "not_downloaded"
    /// A voice note, and no transcription service is configured.
    case voiceOff = "voice_off"
    /// A voice note the transcription service could not turn into text.
    case transcriptionFailed = "transcription_failed"
}

extension InboundUpdate.Attachment {
    /// `problem` in the shared vocabulary: nil when there is none, or when a newer ingress sent a code this build
    /// does not know (then `problem` itself is still set).
    public var knownProblem: AttachmentProblem? {
        problem.flatMap(AttachmentProblem.init(rawValue:))
    }
}
