import Foundation
import HTTP

/// Fetching a file someone sent the bot: `getFile` names its path, then `{baseURL}/file/bot{token}/{path}` serves
/// the bytes. That URL holds the token, so no error or log line here ever includes it (or the path).
extension TelegramBotAPI {
    /// Bot API servers serve downloads up to 20 MB; a self-hosted server may serve more.
    public static let standardDownloadLimit = 20 << 20

    public func getFile(fileId: String) async throws(TelegramError) -> TelegramFile {
        try await call("getFile", GetFile(file_id: fileId))
    }

    /// Downloads the file `fileId`, aborting as soon as more than `maxBytes` arrive (`.fileTooLarge`) or `timeout`
    /// passes (`.network`).
    public func downloadFile(fileId: String, maxBytes: Int, timeout: Duration) async throws(TelegramError) -> Data {
        let file = try await getFile(fileId: fileId)
        if let size = file.file_size, size > Int64(maxBytes) {
            throw TelegramError(code: .fileTooLarge, method: Self.downloadMethod, description: "\(size) bytes, over \(maxBytes)")
        }
        guard let path = file.file_path, !path.isEmpty else {
            throw TelegramError(code: .invalidResponse, method: Self.downloadMethod, description: "getFile gave no file_path")
        }
        return try await download(path: path, maxBytes: maxBytes, timeout: timeout)
    }

    /// Downloads `path` (a `file_path` from `getFile`).
    public func download(path: String, maxBytes: Int, timeout: Duration) async throws(TelegramError) -> Data {
        let response: HTTPResponse
        do {
            response = try await http.execute(HTTPRequest(
                method: .get, url: fileURL(path: path), timeout: timeout, maxResponseBytes: maxBytes))
        } catch {
            // HTTPError never names the URL; its message is safe to pass on.
            let code: TelegramError.Code = error.code == .tooLarge ? .fileTooLarge : .network
            throw TelegramError(code: code, method: Self.downloadMethod, description: error.message)
        }
        guard response.status == 200 else {
            throw TelegramError(
                // A 404 here is a file that is not (or no longer) there, not a wrong bot URL.
                code: response.status == 404 ? .badRequest : Self.code(forStatus: response.status), method: Self.downloadMethod,
                description: "HTTP \(response.status)")
        }
        return response.body
    }

    /// What errors and logs call a download (never the URL).
    static let downloadMethod = "file download"

    private func fileURL(path: String) -> String {
        // Telegram's paths are plain ("documents/file_3.pdf"); anything else is escaped rather than trusted.
        let escaped = path.addingPercentEncoding(withAllowedCharacters: Self.pathCharacters) ?? ""
        return "\(baseURL)/file/bot\(token.reveal())/\(escaped)"
    }

    private static let pathCharacters: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#;%")
        return allowed
    }()
}

struct GetFile: Encodable, Sendable {
    var file_id: String
}
