extension Duration {
    /// Whole milliseconds for curl, at least 1: curl reads 0 as "no limit", which no caller means.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 1 }
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Int(Int32.max) }
        return Int(max(1, min(milliseconds + attoseconds / 1_000_000_000_000_000, Int64(Int32.max))))
    }
}
