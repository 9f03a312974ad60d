import Foundation

/// The command that runs a project's tests, read from the files at its top: the first of these that applies.
/// Pure apart from `detect(in:)`, which only reads those files.
enum TestCommandDetector {
    /// Files larger than this are not read (a build file is small).
    static let largestFile = 256 * 1024

    /// The test command for a project whose top-level file `name` holds `contents(name)` (nil when absent).
    static func detect(_ contents: (String) -> String?) -> String? {
        if contents("Package.swift") != nil { return "swift test" }
        if let package = contents("package.json"), hasTestScript(package) { return "npm test" }
        if contents("Cargo.toml") != nil { return "cargo test" }
        if contents("pytest.ini") != nil { return "pytest" }
        if let project = contents("pyproject.toml"), project.contains("[tool.pytest") || project.contains("pytest") { return "pytest" }
        if contents("go.mod") != nil { return "go test ./..." }
        if let makefile = contents("Makefile") ?? contents("makefile") ?? contents("GNUmakefile"), hasTestTarget(makefile) {
            return "make test"
        }
        return nil
    }

    /// Reads the files from `directory` (regular files only, at most `largestFile` bytes each).
    static func detect(in directory: String) -> String? {
        detect { name in
            let path = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  (attributes[.size] as? Int ?? .max) <= largestFile,
                  let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// `scripts.test` is set, and is not npm's placeholder that only fails.
    static func hasTestScript(_ packageJSON: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(packageJSON.utf8)) as? [String: Any],
              let scripts = object["scripts"] as? [String: Any], let test = scripts["test"] as? String
        else { return false }
        return !test.trimmingCharacters(in: .whitespaces).isEmpty && !test.contains("no test specified")
    }

    /// A rule whose targets include `test` (`test:`, `check test:`), not a variable assignment (`test := …`).
    static func hasTestTarget(_ makefile: String) -> Bool {
        makefile.split(whereSeparator: \.isNewline).contains { line in
            guard !line.hasPrefix("\t"), let colon = line.firstIndex(of: ":") else { return false }
            let after = line[line.index(after: colon)...]
            if after.hasPrefix("=") { return false }
            return line[..<colon].split(separator: " ").contains("test")
        }
    }
}
