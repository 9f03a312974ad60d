/// Why an attachment reaches the guard without its bytes (`InboundUpdate.Attachment.problem`).
public enum AttachmentProblem {
    /// Over the download limit (`UPLOAD_MAX_BYTES`), by Telegram's stated size or while downloading.
    public static let tooLarge = "too_large"
    /// getFile or the download failed or timed out.
    public static let downloadFailed = "download_failed"
    /// A kind Gatehouse does not take (audio, video, animation, sticker), or a file on an edited message.
    public static let notDownloaded = "not_downloaded"
    /// A voice note, and no transcription service is configured.
    public static let voiceOff = "voice_off"
    /// A voice note the transcription service could not turn into text.
    public static let transcriptionFailed = "transcription_failed"
}
