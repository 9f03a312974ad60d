import Foundation

/// One Gatehouse program started on its own (`gatehouse guard`, `gatehouse executor`, ...), optionally inside a
/// network namespace, with its output in a log file. For tests that place programs on different "hosts".
public final class ProgramProcess {
    public let name: String
    public let logFile: URL
    private let process = Process()

    /// - Parameter prefix: argv put in front of the gatehouse binary, e.g. `NetworkLab.exec(in:)`.
    public init(name: String, arguments: [String], environment: [String: String], prefix: [String] = [], logDirectory: URL) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        let binary = try BuildProducts.gatehouse()
        let argv = prefix + [binary] + arguments
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = logDirectory
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw HarnessError("cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    public func logs() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text`.
    public func waitForLog(_ text: String, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if logs().contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return logs().contains(text)
    }

    /// SIGKILL, as a crash would.
    public func crash() async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { await crash() }
    }
}
