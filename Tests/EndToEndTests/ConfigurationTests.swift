import Foundation
import TestSupport
import Testing

/// `gatehouse up` with a wrong configuration starts nothing and names every problem, never a secret's value.
@Suite struct ConfigurationTests {
    @Test func wrongConfigurationIsRefusedWithEveryProblemNamed() throws {
        let secretLooking = "not-a-token-but-secret-ish-value"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuildProducts.gatehouse())
        process.arguments = ["up"]
        process.environment = [
            "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
            "TELEGRAM_BOT_TOKEN": secretLooking,
            "APPROVED_DIRECTORY": "/nonexistent/projects-\(UUID().uuidString)",
            "ALLOWED_USERS": "123,abc",
            "CLAUDE_TIMEOUT_SECONDS": "0",
            "TELEGRAM_API_BASE_URL": "http://telegram.example.com",
            "LOG_LEVEL": "debug",
            "EXECUTOR_SANDBOX": "sometimes",
            "SANDBOX_CONNECT_PORTS": "443,http",
        ]
        // Run where everything `up` would write lands (./data: keys, run directory, database).
        let workDirectory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ghe-up-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        process.currentDirectoryURL = workDirectory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        for variable in ["TELEGRAM_BOT_TOKEN", "APPROVED_DIRECTORY", "ALLOWED_USERS", "CLAUDE_TIMEOUT_SECONDS", "TELEGRAM_API_BASE_URL", "ANTHROPIC_API_KEY", "LOG_LEVEL", "DATA_ENCRYPTION_KEY", "EXECUTOR_SANDBOX", "SANDBOX_CONNECT_PORTS"] {
            #expect(output.contains("- \(variable):"), "\(variable) not named in:\n\(output)")
        }
        #expect(!output.contains(secretLooking), "the token's value was printed")
        // Settings several programs read are reported once.
        #expect(output.components(separatedBy: "- APPROVED_DIRECTORY:").count == 2)
        // Nothing was written: no keys, no run directory, no database.
        let written = try FileManager.default.contentsOfDirectory(atPath: workDirectory.path)
        #expect(written.isEmpty, "an invalid configuration wrote \(written)")
    }
}
