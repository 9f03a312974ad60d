import Foundation
import Testing
@testable import Telemetry

/// The shipped dashboard and alert rules only query metrics Gatehouse exports, through the provisioned data source.
@Suite struct DashboardTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `gatehouse_…` name in a query, with histogram suffixes taken off.
    static func metricNames(in expression: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "gatehouse_[a-z_]+")
        let range = NSRange(expression.startIndex..., in: expression)
        return pattern.matches(in: expression, range: range).compactMap { Range($0.range, in: expression) }.map { match in
            var name = String(expression[match])
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) && !MetricName.all.contains(name) {
                name.removeLast(suffix.count)
            }
            return name
        }
    }

    @Test func everyPanelQueriesExportedMetricsThroughTheProvisionedSource() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/dashboards/gatehouse.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "gatehouse" && dashboard["schemaVersion"] is Int)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 10)
        let sourceFile = try String(contentsOf: Self.root.appendingPathComponent("deploy/grafana/provisioning/datasources/prometheus.yml"), encoding: .utf8)
        var queried: Set<String> = []
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            #expect(panel["gridPos"] is [String: Any] && panel["type"] is String && panel["id"] is Int, "\(title)")
            let uid = (panel["datasource"] as? [String: Any])?["uid"] as? String ?? ""
            #expect(sourceFile.contains("uid: \(uid)"), "\(title): data source \(uid) is not provisioned")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title) has no queries")
            for target in targets {
                let expression = try #require(target["expr"] as? String)
                let names = Self.metricNames(in: expression)
                #expect(!names.isEmpty, "\(title): \(expression) queries no Gatehouse metric")
                for name in names { #expect(MetricName.all.contains(name), "\(title): \(name) is not exported") }
                queried.formUnion(names)
            }
        }
        #expect(queried == Set(MetricName.all), "not on the dashboard: \(Set(MetricName.all).subtracting(queried).sorted())")
    }

    @Test func everyAlertQueriesExportedMetrics() throws {
        let rules = try String(contentsOf: Self.root.appendingPathComponent("deploy/prometheus/alerts.yml"), encoding: .utf8)
        let expressions = rules.split(separator: "\n").filter { $0.contains("expr:") }
        #expect(expressions.count >= 4)
        for expression in expressions {
            for name in Self.metricNames(in: String(expression)) { #expect(MetricName.all.contains(name), "\(expression)") }
        }
    }
}
