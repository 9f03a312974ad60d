import Foundation
import Logging
import Messages
import Telegram

/// Completes a translated message's attachment: downloads documents and photos (up to the limit), and downloads and
/// transcribes voice notes when a transcription service is configured. Whatever fails becomes a `problem` for the
/// guard to explain; nothing here throws, so every update still reaches the guard.
struct AttachmentFetcher: Sendable {
    let api: TelegramBotAPI
    let transcriber: VoiceTranscriber?
    let limit: Int
    let downloadTimeout: Duration
    let logger: Logger

    func complete(_ inbound: InboundUpdate, from message: TelegramMessage) async -> InboundUpdate {
        guard var attachment = inbound.attachments?.first, attachment.problem == nil, attachment.data == nil,
              let file = IncomingFile(of: message, limit: limit), file.kind == attachment.kind
        else { return inbound }
        var inbound = inbound
        if file.kind == .voice, transcriber == nil {
            // Nothing would read it: a voice note is only fetched to be transcribed.
            attachment.problem = AttachmentProblem.voiceOff.rawValue
            inbound.attachments = [attachment]
            return inbound
        }
        var metadata: Logger.Metadata = ["update.id": "\(inbound.updateId)", "attachment.kind": "\(file.kind.rawValue)"]
        switch await download(file) {
        case .failure(let problem, let error):
            attachment.problem = problem.rawValue
            metadata["error"] = "\(error)"
            logger.warning("could not download an attachment", metadata: metadata)
        case .success(let data) where file.kind != .voice:
            attachment.data = data
            attachment.size = Int64(data.count)
        case .success(let data):
            guard let transcriber else { break }
            do {
                inbound.text = try await transcriber.transcribe(data, mimeType: file.mimeType)
                inbound.transcribed = true
                attachment.size = Int64(data.count)
            } catch {
                attachment.problem = AttachmentProblem.transcriptionFailed.rawValue
                metadata["error"] = "\(error)"
                logger.warning("could not transcribe a voice note", metadata: metadata)
            }
        }
        inbound.attachments = [attachment]
        return inbound
    }

    private enum Outcome {
        case success(Data)
        case failure(problem: AttachmentProblem, TelegramError)
    }

    private func download(_ file: IncomingFile) async -> Outcome {
        do {
            return .success(try await api.downloadFile(fileId: file.fileId, maxBytes: limit, timeout: downloadTimeout))
        } catch {
            return .failure(
                problem: error.code == .fileTooLarge ? .tooLarge : .downloadFailed, error)
        }
    }
}
