import Foundation
import HTTP
import Logging

/// Turns a voice note into text with an OpenAI-compatible service: `POST {base}/v1/audio/transcriptions`,
/// multipart with `file` and `model`, `Authorization: Bearer <key>`; the answer is `{"text": "…"}`.
/// Neither the key nor the transcript is ever logged or put in an error.
struct VoiceTranscriber: Sendable {
    struct Failure: Error, CustomStringConvertible {
        /// `network`, `http_status`, `invalid_response`, `empty`.
        var code: String
        var message: String
        var description: String { "\(code): \(message)" }
    }

    let configuration: VoiceTranscriptionConfiguration
    let http: HTTPClient

    func transcribe(_ audio: Data, mimeType: String?) async throws(Failure) -> String {
        let type = mimeType ?? "audio/ogg"
        let request = HTTPRequest(
            method: .post, url: configuration.baseURL + "/v1/audio/transcriptions",
            headers: [HTTPHeader("Authorization", "Bearer \(configuration.apiKey.reveal())")],
            body: .multipart([
                MultipartPart(name: "file", data: audio, filename: "voice" + Self.fileExtension(for: type), contentType: type),
                MultipartPart(name: "model", value: configuration.model),
            ]),
            timeout: configuration.timeout, maxResponseBytes: 1 << 20)
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw Failure(code: "network", message: error.message)
        }
        guard response.status == 200 else {
            // The body may echo the request; only the status is kept.
            throw Failure(code: "http_status", message: "HTTP \(response.status)")
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
            throw Failure(code: "invalid_response", message: "the answer has no text")
        }
        let text = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw Failure(code: "empty", message: "nothing was recognised") }
        return text
    }

    private struct Answer: Decodable {
        var text: String
    }

    /// Services tell the format by the file name's extension; Telegram's voice notes are Ogg Opus.
    private static func fileExtension(for mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "audio/mpeg", "audio/mp3": ".mp3"
        case "audio/mp4", "audio/m4a", "audio/x-m4a": ".m4a"
        case "audio/wav", "audio/x-wav": ".wav"
        case "audio/webm": ".webm"
        default: ".ogg"
        }
    }
}
