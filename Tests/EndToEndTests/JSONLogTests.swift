import Foundation
import TestSupport
import Testing

/// `LOG_FORMAT=json`: every line every program writes is one JSON object with the usual dotted keys, one update can
/// be followed through all four programs by its `update.id`, and no secret appears.
@Suite(.serialized) struct JSONLogTests {
    let ann = FakeTelegramUser(id: 1001, firstName: "Ann")

    @Test func everyProgramWritesOneJSONObjectPerLine() async throws {
        var options = GatehouseCluster.Options()
        options.environment = ["LOG_FORMAT": "json"]
        try await GatehouseCluster.with(options) { cluster in
            cluster.telegram.enqueueMessage(from: ann, text: "hello in json")
            _ = try #require(await cluster.reply(in: ann.id, containing: "Echo: hello in json"))
            try await Task.sleep(for: .milliseconds(500))
            let lines = cluster.logs().split(separator: "\n")
            var programs: Set<String> = []
            var jobLines: [String: Set<String>] = [:]
            var updateLines: [String: Set<String>] = [:]
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line.prefix(200))")
                guard let object else { continue }
                #expect(object["ts"] is String && object["level"] is String && object["message"] is String)
                if let program = object["program"] as? String { programs.insert(program) }
                if let job = object["job.id"] as? String, let program = object["program"] as? String {
                    jobLines[job, default: []].insert(program)
                }
                if let update = object["update.id"] as? String, update != "-", let program = object["program"] as? String {
                    updateLines[update, default: []].insert(program)
                }
            }
            #expect(programs.isSuperset(of: ["guard", "ingress", "executor", "egress"]), "\(programs)")
            #expect(jobLines.values.contains { $0.isSuperset(of: ["guard", "executor"]) }, "\(jobLines)")
            // One update followed through all four programs by its `update.id`.
            #expect(updateLines.values.contains { $0 == ["ingress", "guard", "executor", "egress"] }, "\(updateLines)")
            #expect(cluster.leakedSecrets().isEmpty)
        }
    }
}
