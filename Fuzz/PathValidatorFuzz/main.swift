import Foundation

// libFuzzer entry point for the guard's lexical validators. Built by `Fuzz/run.sh` together with
// `Sources/Validation/*.swift` into one module, so it sees the same code the guard runs.
//
// Input layout: the first byte picks what to exercise; the rest is split at the first 0xFF byte (never valid in
// UTF-8, so it cannot collide with text) into two parts.
//   selector % 4 == 0: PathValidator.resolve(all, from: "")
//   selector % 4 == 1: PathValidator.resolve(second, from: first)
//   selector % 4 == 2: UploadValidator.validateName(all)
//   selector % 4 == 3: UploadValidator.validate(fileName: first, declaredMimeType: …, size: …, head: second)
// Besides crashes, a broken invariant on an accepted input traps, so libFuzzer reports it with the input.

private let validator = PathValidator(approvedRoot: "/srv/projects")
private let uploads = UploadValidator()
private let mimeTypes: [String?] = [nil, "image/png", "application/pdf", "text/plain", "application/x-msdownload"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let payload = bytes.dropFirst()
    let separator = payload.firstIndex(of: 0xFF)
    let first = Array(payload[..<(separator ?? payload.endIndex)])
    let second = separator.map { Array(payload[($0 + 1)...]) } ?? []
    let all = String(decoding: payload, as: UTF8.self)

    switch selector % 4 {
    case 0:
        check(validator.resolve(all, from: ""))
    case 1:
        check(validator.resolve(String(decoding: second, as: UTF8.self), from: String(decoding: first, as: UTF8.self)))
    case 2:
        checkName(uploads.validateName(all))
    default:
        let mime = mimeTypes[Int(selector / 4) % mimeTypes.count]
        let declaredSize = selector & 0x80 == 0 ? second.count : second.count + Int(selector) * 1_000_003
        checkName(uploads.validate(fileName: String(decoding: first, as: UTF8.self), declaredMimeType: mime,
                                   size: declaredSize, head: Data(second)))
    }
    return 0
}

private func check(_ outcome: Result<String, Refusal>) {
    switch outcome {
    case .success(let path):
        let scalars = Array(path.unicodeScalars)
        guard !path.isEmpty else { return }
        let components = path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
        guard scalars.first != "/", !scalars.contains("\0"), !scalars.contains("\\"),
              components.allSatisfy({ !$0.isEmpty && !$0.elementsEqual(".".unicodeScalars)
                  && !$0.elementsEqual("..".unicodeScalars) && String($0).utf8.count <= 255 }),
              path.utf8.count < PathValidator.maxPathBytes
        else { fatalError("accepted an unclean path") }
        guard case .success(let again) = validator.resolve(path, from: ""), again.utf8.elementsEqual(path.utf8) else {
            fatalError("an accepted path does not resolve to itself")
        }
    case .failure(let refusal):
        guard !refusal.reason.isEmpty, !refusal.code.rawValue.isEmpty else { fatalError("refusal without a reason") }
    }
}

private func checkName(_ outcome: Result<String, Refusal>) {
    switch outcome {
    case .success(let name):
        let scalars = Array(name.unicodeScalars)
        guard !scalars.isEmpty, !scalars.contains("/"), !scalars.contains("\0"), !scalars.contains("\\"),
              !scalars.allSatisfy({ $0 == "." }), name.utf8.count <= 255
        else { fatalError("accepted an unsafe file name") }
    case .failure(let refusal):
        guard !refusal.reason.isEmpty else { fatalError("refusal without a reason") }
    }
}
