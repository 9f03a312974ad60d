import Foundation

/// One line of a benchmark's table: what was measured, its target, and whether the target was met.
struct BenchRow {
    var name: String
    var target: String
    var measured: String
    /// nil for a line that only informs.
    var met: Bool?
}

/// A benchmark's printed result: a title, notes saying how it was measured, and the table.
struct BenchReport {
    var title: String
    var notes: [String] = []
    var rows: [BenchRow] = []

    var missed: Int { rows.filter { $0.met == false }.count }

    func print() {
        Swift.print("\n== \(title)")
        for note in notes { Swift.print("   \(note)") }
        let nameWidth = max(28, (rows.map(\.name.count).max() ?? 0) + 2)
        let targetWidth = max(14, (rows.map(\.target.count).max() ?? 0) + 2)
        let measuredWidth = max(14, (rows.map(\.measured.count).max() ?? 0) + 2)
        Swift.print("   " + "measure".padded(nameWidth) + "target".padded(targetWidth) + "measured".padded(measuredWidth) + "result")
        for row in rows {
            let verdict = row.met.map { $0 ? "PASS" : "MISS" } ?? ""
            Swift.print("   " + row.name.padded(nameWidth) + row.target.padded(targetWidth) + row.measured.padded(measuredWidth) + verdict)
        }
    }
}

extension String {
    func padded(_ width: Int) -> String { padding(toLength: max(width, count), withPad: " ", startingAt: 0) }
}

/// Order statistics of a set of samples (nearest rank).
struct Percentiles {
    let sorted: [Double]

    init(_ samples: [Double]) { sorted = samples.sorted() }

    func at(_ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank - 1, 0), sorted.count - 1)]
    }

    var p50: Double { at(0.50) }
    var p99: Double { at(0.99) }
    var max: Double { sorted.last ?? .nan }
    var count: Int { sorted.count }
}

func milliseconds(_ value: Double) -> String { String(format: "%.2f ms", value) }
func megabytes(_ kilobytes: Int) -> String { String(format: "%.1f MB", Double(kilobytes) / 1024) }
