import Settings

/// An OpenAI-compatible speech-to-text service (`POST {baseURL}/v1/audio/transcriptions`).
public struct VoiceTranscriptionConfiguration: Sendable {
    /// e.g. "https://api.openai.com".
    public var baseURL: String
    public var apiKey: Secret
    public var model: String
    /// Bound on one transcription request.
    public var timeout: Duration = .seconds(120)

    public init(baseURL: String, apiKey: Secret, model: String = "whisper-1") {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.model = model
    }
}
