import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Telemetry

@Suite struct ExpositionMergeTests {
    @Test func familiesAppearOnceWithEachSourcesLabels() {
        var merge = ExpositionMerge()
        merge.add(.init(labels: [("program", "guard")], text: """
            # TYPE gatehouse_jobs_total counter
            gatehouse_jobs_total{outcome="completed"} 3
            # TYPE gatehouse_executors_connected gauge
            gatehouse_executors_connected 2
            """))
        merge.add(.init(labels: [("program", "egress"), ("peer", "eg \"1\"")], text: """
            # HELP gatehouse_telegram_calls_total calls
            # TYPE gatehouse_telegram_calls_total counter
            gatehouse_telegram_calls_total{method="sendMessage",status="200"} 7
            """))
        merge.add(.init(labels: [("program", "ingress"), ("peer", "in")], text: """
            # TYPE gatehouse_telegram_calls_total counter
            gatehouse_telegram_calls_total{method="getUpdates",status="200"} 9
            # TYPE gatehouse_hop_seconds histogram
            gatehouse_hop_seconds_bucket{hop="queue",le="0.001"} 1
            gatehouse_hop_seconds_sum{hop="queue"} 0.0004
            """))
        #expect(merge.text == """
            # TYPE gatehouse_executors_connected gauge
            gatehouse_executors_connected{program="guard"} 2
            # TYPE gatehouse_hop_seconds histogram
            gatehouse_hop_seconds_bucket{program="ingress",peer="in",hop="queue",le="0.001"} 1
            gatehouse_hop_seconds_sum{program="ingress",peer="in",hop="queue"} 0.0004
            # TYPE gatehouse_jobs_total counter
            gatehouse_jobs_total{program="guard",outcome="completed"} 3
            # TYPE gatehouse_telegram_calls_total counter
            gatehouse_telegram_calls_total{program="egress",peer="eg \\"1\\"",method="sendMessage",status="200"} 7
            gatehouse_telegram_calls_total{program="ingress",peer="in",method="getUpdates",status="200"} 9

            """)
    }

    @Test func emptyLabelSetsAndStalePeers() {
        #expect(ExpositionMerge.labelled("a{} 1", with: "p=\"x\"") == "a{p=\"x\"} 1")
        let peers = PeerExpositions()
        peers.record(program: "executor", peer: "e1", text: "# TYPE x counter\nx 1", now: 0)
        peers.record(program: "executor", peer: "e2", text: "# TYPE x counter\nx 2", now: 50_000)
        #expect(peers.sources(now: 55_000).count == 2)
        #expect(peers.sources(now: 61_000).map(\.labels.last?.1) == ["e2"], "a peer silent for a minute lingers")
    }

    @Test func theEndpointServesTheExpositionAndRefusesOtherPaths() async throws {
        let endpoint = try await MetricsEndpoint.bind(host: "127.0.0.1", port: 0, logger: .init(label: "test")) {
            "# TYPE x counter\nx 1\n"
        }
        let serving = Task { try await endpoint.run() }
        defer { serving.cancel() }
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(endpoint.port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == "# TYPE x counter\nx 1\n")
        let (_, missing) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(endpoint.port)/other")!)
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)
    }
}
