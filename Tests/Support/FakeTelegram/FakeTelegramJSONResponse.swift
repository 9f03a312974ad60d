import Foundation

extension LoopbackHTTPResponse {
    /// A Bot API answer: `value` as JSON with `status`.
    static func json(_ status: Int, _ value: FakeTelegramValue) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(status: status, contentType: "application/json", body: value.jsonData())
    }
}
