import CCurl
import Foundation

/// One request's easy handle and the response being received. Lives on the curl thread only; the multi loop keeps
/// it alive while curl holds an unretained pointer to it as callback user data.
final class CurlTransfer {
    let pending: PendingTransfer
    let easy: UnsafeMutableRawPointer
    private let maxResponseBytes: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private var body = Data()
    private var headers: [String: String] = [:]
    private var exceededLimit = false

    private init(pending: PendingTransfer, easy: UnsafeMutableRawPointer, maxResponseBytes: Int) {
        self.pending = pending
        self.easy = easy
        self.maxResponseBytes = maxResponseBytes
    }

    static func make(_ pending: PendingTransfer, configuration: HTTPClient.Configuration) -> Result<CurlTransfer, HTTPError> {
        let method = pending.request.method.rawValue
        guard let easy = curl_easy_init() else {
            return .failure(HTTPError(code: .transport, message: "\(method) request: libcurl could not create a handle"))
        }
        let limit = min(configuration.maxResponseBytes, pending.request.maxResponseBytes ?? .max)
        let transfer = CurlTransfer(pending: pending, easy: easy, maxResponseBytes: max(0, limit))
        if let failure = transfer.configure(userAgent: configuration.userAgent) {
            transfer.release()
            return .failure(failure)
        }
        return .success(transfer)
    }

    /// Frees everything curl allocated for this transfer. The easy handle must already be out of the multi handle.
    func release() {
        curl_easy_cleanup(easy)
        curl_mime_free(mime)  // after the easy handle that used it
        mime = nil
        curl_slist_free_all(headerList)
        headerList = nil
    }

    /// The result of a finished transfer, from curl's code and what was received.
    func outcome(of code: CURLcode) -> Result<HTTPResponse, HTTPError> {
        let method = pending.request.method.rawValue
        if code == CURLE_OK {
            var status = 0
            _ = gh_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResponse(status: status, headers: headers, body: body))
        }
        if exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(HTTPError(code: .tooLarge, message: "\(method) request: the response exceeded \(maxResponseBytes) bytes"))
        }
        let errorCode: HTTPError.Code = switch code {
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotConnect
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidRequest
        default: .transport
        }
        var osErrno = 0
        _ = gh_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
        // curl_easy_strerror is a fixed text per code; the error buffer is not used because it can name the URL.
        let detail = osErrno == 0 ? "curl \(code.rawValue)" : "curl \(code.rawValue), errno \(osErrno)"
        return .failure(HTTPError(code: errorCode, message: "\(method) request failed: \(String(cString: curl_easy_strerror(code))) (\(detail))"))
    }

    // MARK: Setup

    /// Applies every option; returns the first failure. Messages never include the URL.
    private func configure(userAgent: String) -> HTTPError? {
        let request = pending.request
        let method = request.method.rawValue
        var failed: CURLcode?
        func check(_ code: CURLcode) {
            if code != CURLE_OK, failed == nil { failed = code }
        }
        check(gh_easy_setopt_string(easy, CURLOPT_URL, request.url))
        check(gh_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(gh_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(gh_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(gh_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeout.curlMilliseconds))
        check(gh_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds))
        check(gh_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        check(gh_easy_setopt_string(easy, CURLOPT_USERAGENT, userAgent))
        check(gh_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))  // every encoding curl can decode
        check(gh_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)))

        let context = Unmanaged.passUnretained(self).toOpaque()
        check(gh_easy_setopt_write(easy) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveBody(data, length: size * count)
        })
        check(gh_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(gh_easy_setopt_header(easy) { data, size, count, context in
            guard let context else { return 0 }
            return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(data, length: size * count)
        })
        check(gh_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))

        switch request.body {
        case nil:
            if request.method == .post {
                check(gh_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                check(gh_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                check(gh_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
            }
        case .data(let data, _):
            // COPYPOSTFIELDS: curl keeps its own copy, so nothing here has to outlive this call.
            check(gh_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.count)))
            if data.isEmpty {
                check(gh_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                data.withUnsafeBytes { bytes in
                    check(gh_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)))
                }
            }
        case .multipart(let parts):
            if let failure = attachMultipart(parts) { return failure }
        }

        if let failure = attachHeaders() { return failure }

        guard let failed else { return nil }
        return HTTPError(code: .invalidRequest, message: "\(method) request: \(String(cString: curl_easy_strerror(failed))) (curl \(failed.rawValue))")
    }

    private func attachHeaders() -> HTTPError? {
        let request = pending.request
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        let names = Set(request.headers.map { $0.name.lowercased() })
        if case .data(_, let contentType)? = request.body, !names.contains("content-type") {
            lines.append("Content-Type: \(contentType)")
        }
        // An empty Expect disables "100-continue", which costs a round trip (or a 1 s wait) on larger POSTs.
        if !names.contains("expect") {
            lines.append("Expect:")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                return HTTPError(code: .transport, message: "\(request.method.rawValue) request: out of memory building headers")
            }
            headerList = appended
        }
        if gh_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) != CURLE_OK {
            return HTTPError(code: .invalidRequest, message: "\(request.method.rawValue) request: headers rejected")
        }
        return nil
    }

    /// Builds a multipart/form-data body; curl copies names, types and data into the mime structure.
    private func attachMultipart(_ parts: [MultipartPart]) -> HTTPError? {
        let method = pending.request.method.rawValue
        guard let mime = curl_mime_init(easy) else {
            return HTTPError(code: .transport, message: "\(method) request: libcurl could not create a multipart body")
        }
        self.mime = mime
        for part in parts {
            guard let mimePart = curl_mime_addpart(mime) else {
                return HTTPError(code: .transport, message: "\(method) request: libcurl could not add a multipart part")
            }
            var codes = [curl_mime_name(mimePart, part.name)]
            if part.data.isEmpty {
                codes.append(curl_mime_data(mimePart, "", 0))
            } else {
                codes.append(part.data.withUnsafeBytes { bytes in
                    curl_mime_data(mimePart, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
                })
            }
            if let filename = part.filename { codes.append(curl_mime_filename(mimePart, filename)) }
            if let contentType = part.contentType { codes.append(curl_mime_type(mimePart, contentType)) }
            if let failed = codes.first(where: { $0 != CURLE_OK }) {
                return HTTPError(code: .invalidRequest, message: "\(method) request: multipart part rejected: \(String(cString: curl_easy_strerror(failed)))")
            }
        }
        if gh_easy_setopt_mime(easy, mime) != CURLE_OK {
            return HTTPError(code: .invalidRequest, message: "\(method) request: multipart body rejected")
        }
        return nil
    }

    // MARK: Callbacks (curl thread)

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, length: Int) -> Int {
        guard let data, length > 0 else { return length }
        guard body.count + length <= maxResponseBytes else {
            exceededLimit = true
            return 0  // any count other than `length` makes curl abort with CURLE_WRITE_ERROR
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { body.append($0, count: length) }
        return length
    }

    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, length: Int) -> Int {
        guard let data, length > 0 else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:]  // a new response begins (after a 100 Continue, for instance)
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty { headers[name] = value }
        }
        return length
    }
}
