import Foundation
import TestSupport
import Testing

/// An update no parser can read (nested 5000 deep, or with an update_id that is not a number) used to make the
/// whole getUpdates answer unreadable, so ingress asked for the same offset forever. Now it is skipped alone.
@Suite(.serialized) struct UndecodableUpdateTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann", username: "ann")

    @Test func undecodableUpdatesAreSkippedAndTheRestAnswered() async throws {
        try await GatehouseCluster.with { cluster in
            let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
            let deepId = cluster.telegram.injectUndecodableUpdate(json: #"{"update_id":%ID%,"message":{"x":\#(deep)}}"#)
            cluster.telegram.injectUndecodableUpdate(json: #"{"update_id":"not a number","message":{}}"#)
            let updateId = cluster.telegram.enqueueMessage(from: ann, text: "still there?")
            #expect(deepId < updateId)

            _ = try #require(await cluster.reply(in: ann.id, containing: "still there?"), "the good update was lost")
            #expect(await cluster.telegram.waitUntil(timeout: .seconds(10)) { $0.confirmedOffset > updateId })
            let skipped = cluster.logs().components(separatedBy: "\n").filter { $0.contains("skipped an update that cannot be decoded") }
            #expect(skipped.count == 2, "\(skipped)")
            #expect(skipped.contains { $0.contains("\(deepId)") })
            #expect(!skipped.contains { $0.contains("[[[") || $0.contains("not a number") }, "content was logged")
            #expect(cluster.telegram.violations.isEmpty, "\(cluster.telegram.violations)")
        }
    }
}
