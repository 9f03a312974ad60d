import Foundation

/// Where `swift build` put the product binaries the tests start as real processes.
public enum BuildProducts {
    /// The directory holding the test bundle, which SwiftPM shares with the executables it built.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["GATEHOUSE_BUILD_DIR"] {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // .build/debug/gatehousePackageTests.xctest (a file on Linux) → .build/debug
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("gatehouse").path) {
                return url
            }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The `gatehouse` executable, or an error telling how to build it.
    public static func gatehouse() throws -> String {
        let path = directory.appendingPathComponent("gatehouse").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "no gatehouse binary at \(path); run `swift build` before `swift test`")
        }
        return path
    }
}

/// Runs the `gatehouse` command line as an operator would and collects what it printed.
public enum GatehouseCommand {
    /// Runs `gatehouse arguments…` to completion; `environment` nil keeps the test's own.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuildProducts.gatehouse())
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
