import Foundation
import Testing
@testable import Validation

@Suite struct UploadValidatorTests {
    let validator = UploadValidator()

    @Test func everyCorpusNameGetsItsExpectedOutcome() throws {
        for item in try CorpusCase.load("names.jsonl") {
            let name = try #require(item.text(), "no input in \(item)")
            switch validator.validateName(name) {
            case .success(let safe):
                #expect(item.isGood, "accepted \(item), expected \(item.expect)")
                #expect(Array(safe.utf8) == Array((item.text("result") ?? name).utf8))
            case .failure(let refusal):
                #expect(refusal.code.rawValue == item.expect, "\(item): got \(refusal)")
                expectWellFormed(refusal, input: name, item)
            }
        }
    }

    @Test func everyCorpusUploadGetsItsExpectedOutcome() throws {
        for item in try CorpusCase.load("uploads.jsonl") {
            let name = try #require(item.string("name"))
            let head = try #require(Data(hex: item.string("headHex") ?? ""), "bad hex in \(item)")
            let size = try #require(item.int("size"))
            let outcome = validator.validate(fileName: name, declaredMimeType: item.string("mime"), size: size,
                                             head: head)
            switch outcome {
            case .success(let safe):
                #expect(item.isGood, "accepted \(item) (\(name)), expected \(item.expect)")
                #expect(safe == name)
            case .failure(let refusal):
                #expect(refusal.code.rawValue == item.expect, "\(item) (\(name)): got \(refusal)")
                expectWellFormed(refusal, input: name, item)
            }
        }
    }

    @Test func corpusCoversEveryUploadCode() throws {
        let codes = Set(try (CorpusCase.load("names.jsonl") + CorpusCase.load("uploads.jsonl")).map(\.expect))
        for code in ["hidden_file", "secret_file", "executable_file", "extension_not_allowed", "too_large",
                     "content_mismatch", "binary_content", "path_separator", "traversal", "ok"] {
            #expect(codes.contains(code), "no upload case for \(code)")
        }
    }

    @Test func theSizeLimitFollowsThePolicy() {
        let small = UploadValidator(policy: UploadPolicy(maxBytes: 10))
        let ten = Data("0123456789".utf8)
        #expect(small.validate(fileName: "a.txt", declaredMimeType: nil, size: 10, head: ten) == .success("a.txt"))
        let refusal = small.validate(fileName: "a.txt", declaredMimeType: nil, size: 11, head: ten).refusal
        #expect(refusal?.code == .tooLarge)
        #expect(refusal?.reason.contains("MB") == true)
    }

    @Test func onlyTheInspectedHeadIsCheckedForText() {
        let policy = UploadPolicy(inspectedBytes: 4)
        let lenient = UploadValidator(policy: policy)
        var head = Data("abcd".utf8)
        head.append(0)
        #expect(lenient.validate(fileName: "a.txt", declaredMimeType: nil, size: 100, head: head) == .success("a.txt"))
        #expect(validator.validate(fileName: "a.txt", declaredMimeType: nil, size: 100, head: head).refusalCode
                == .binaryContent)
    }

    @Test func aHeadSliceWithNonZeroStartIndexIsReadCorrectly() {
        let whole = Data([0x00, 0x00] + [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let slice = whole.dropFirst(2)
        #expect(validator.validate(fileName: "a.png", declaredMimeType: nil, size: 8, head: slice) == .success("a.png"))
    }

    @Test func allowedExtensionsCanBeExtendedButProgramsStayRefused() {
        var policy = UploadPolicy()
        policy.allowedExtensions["zip"] = .text
        policy.allowedExtensions["exe"] = .text
        let custom = UploadValidator(policy: policy)
        #expect(custom.validateName("a.zip") == .success("a.zip"))
        #expect(custom.validateName("a.exe").refusalCode == .executableFile)
    }

    @Test func secretNamesAreAvailableToOtherChecks() {
        #expect(SecretFileNames.isSecret(".env.production"))
        #expect(SecretFileNames.isSecret("Deploy.PEM"))
        #expect(!SecretFileNames.isSecret("environment.md"))
    }

    @Test func longExtensionsAreNotEchoedInFull() throws {
        let name = "a." + String(repeating: "q", count: 200)
        let refusal = try #require(validator.validateName(name).refusal)
        #expect(refusal.code == .extensionNotAllowed)
        #expect(longestSharedRun(refusal.reason, name) <= 13)
    }
}

extension Data {
    /// Lower- or upper-case hex, two digits a byte; nil when malformed.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
            index += 2
        }
        self.init(bytes)
    }
}
