import Foundation
import Telegram
import Testing

/// A `getUpdates` answer is read element by element, so one bad update cannot stall ingress on the same offset.
@Suite struct UpdateBatchTests {
    static func batch(_ elements: [String]) throws -> TelegramUpdateBatch {
        let body = #"{"ok":true,"result":["# + elements.joined(separator: ",") + "]}"
        return try #require(TelegramUpdateBatch.decode(responseBody: Data(body.utf8)))
    }

    static let good = #"{"update_id":%d,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"hi"}}"#
    static func good(_ id: Int) -> String { String(format: good, id) }
    static let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)

    @Test func aBadUpdateIdIsSkippedAndTheOthersKept() throws {
        let batch = try Self.batch([Self.good(10), #"{"update_id":"11","message":{}}"#, Self.good(12)])
        #expect(batch.updates.map(\.update_id) == [10, 12])
        #expect(batch.skipped == [.init(index: 1, updateId: nil, reason: "type_mismatch")])
        #expect(batch.offset(confirming: 10) == 13)
    }

    @Test func anUpdateNestedTooDeepIsSkippedWithItsIdRead() throws {
        let batch = try Self.batch([Self.good(20), #"{"update_id":21,"message":{"x":\#(Self.deep)}}"#, Self.good(22)])
        #expect(batch.updates.map(\.update_id) == [20, 22])
        #expect(batch.skipped.map(\.updateId) == [21])
        #expect(batch.skipped.first?.reason == "corrupted")
        // The deep one last: its id still moves the offset past it.
        let last = try Self.batch([Self.good(30), #"{"update_id":31,"k":\#(Self.deep)}"#])
        #expect(last.offset(confirming: nil) == 32)
    }

    @Test func withNoReadableIdTheOffsetMovesByTheCountFromTheRequestedOne() throws {
        let batch = try Self.batch([#"{"update_id":null}"#, "7", #"{"update_id":\#(Self.deep)}"#])
        #expect(batch.updates.isEmpty)
        #expect(batch.count == 3)
        #expect(batch.offset(confirming: 500) == 503)
        // Nothing to go by: ingress must ask again rather than guess.
        #expect(batch.offset(confirming: nil) == nil)
        // A readable id beyond requested + count wins.
        let mixed = try Self.batch([#"{"update_id":"x"}"#, Self.good(900)])
        #expect(mixed.offset(confirming: 500) == 901)
    }

    @Test func theHighestIdSaturates() throws {
        let batch = try Self.batch([Self.good(5), #"{"update_id":9223372036854775807}"#])
        #expect(batch.offset(confirming: nil) == Int64.max)
        let emptyBatch = try Self.batch([])
        #expect(emptyBatch.count == 0)
        #expect(emptyBatch.offset(confirming: 4) == nil)
    }

    @Test func stringsWithBracketsAndEscapesDoNotConfuseTheSlicer() throws {
        let tricky = #"{"update_id":40,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"]},{\"\\\"["}}"#
        let batch = try Self.batch([tricky, Self.good(41)])
        #expect(batch.updates.map(\.update_id) == [40, 41])
        #expect(batch.updates.first?.message?.text == #"]},{"\"["#)
    }

    @Test func errorAnswersAndBrokenBodiesAreNotBatches() {
        for body in [
            #"{"ok":false,"error_code":409,"description":"Conflict"}"#, #"{"ok":true,"result":{}}"#,
            #"{"ok":true,"result":[1,2"#, "[]", "", #"{"ok":true}"#, #"{"ok":true,"result":[1 2]}"#,
        ] {
            #expect(TelegramUpdateBatch.decode(responseBody: Data(body.utf8)) == nil, "\(body)")
        }
    }

    /// Every seed of the update fuzz corpus that is one well-formed JSON value (as Telegram's elements are), as a
    /// batch element between two good updates: the good ones always survive, and the seed decodes in the batch
    /// exactly when it decodes alone. (The fuzz target checks the same on every input it makes.)
    @Test(arguments: UpdateDecoderCorpusTests.seedNames)
    func corpusSeedsInABatchDoNotSpoilTheirNeighbours(name: String) throws {
        let data = try Data(contentsOf: UpdateDecoderCorpusTests.corpus.appendingPathComponent(name))
        let alone = try? JSONDecoder().decode(TelegramUpdate.self, from: data)
        let wellFormed = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        // An update that decodes has a well-formed structure, even when a text in it is not valid Unicode.
        guard wellFormed || alone != nil else { return }
        let body = Data(#"{"ok":true,"result":["#.utf8) + Data(Self.good(1).utf8) + Data(",".utf8) + data
            + Data(",".utf8) + Data(Self.good(Int(Int32.max)).utf8) + Data("]}".utf8)
        let batch = try #require(TelegramUpdateBatch.decode(responseBody: body), "\(name)")
        #expect(batch.count == 3)
        #expect(batch.updates.first?.update_id == 1)
        #expect(batch.updates.last?.update_id == Int64(Int32.max))
        #expect((batch.updates.count == 3) == (alone != nil), "\(name)")
        if let alone { #expect(batch.updates[1] == alone) }
    }
}
