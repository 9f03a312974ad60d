import Foundation
import Testing
@testable import Executor

/// The test command a project's files name.
@Suite struct TestCommandDetectorTests {
    func detect(_ files: [String: String]) -> String? { TestCommandDetector.detect { files[$0] } }

    @Test func eachKindOfProjectHasItsCommand() {
        #expect(detect(["Package.swift": "// swift-tools-version:6.0"]) == "swift test")
        #expect(detect(["package.json": #"{"scripts": {"test": "vitest run"}}"#]) == "npm test")
        #expect(detect(["Cargo.toml": "[package]"]) == "cargo test")
        #expect(detect(["pytest.ini": "[pytest]"]) == "pytest")
        #expect(detect(["pyproject.toml": "[tool.pytest.ini_options]\n"]) == "pytest")
        #expect(detect(["go.mod": "module x"]) == "go test ./...")
        #expect(detect(["Makefile": "build:\n\tcc x.c\n\ntest: build\n\t./run-tests\n"]) == "make test")
        #expect(detect(["Makefile": ".PHONY: all\ncheck test:\n\t./t\n"]) == "make test")
    }

    @Test func placeholdersAndLookAlikesAreNoTestCommand() {
        #expect(detect([:]) == nil)
        #expect(detect(["package.json": #"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#]) == nil)
        #expect(detect(["package.json": #"{"scripts": {"build": "tsc"}}"#]) == nil)
        #expect(detect(["package.json": "not json"]) == nil)
        #expect(detect(["pyproject.toml": "[project]\nname = \"x\"\n"]) == nil)
        #expect(detect(["Makefile": "test := 1\nall:\n\techo $(test)\n"]) == nil)
        #expect(detect(["Makefile": "all:\n\tmake test:\n"]) == nil, "a recipe line is no target")
        #expect(detect(["Makefile": "unittest:\n\t./t\n"]) == nil)
    }

    @Test func theFirstThatAppliesWins() {
        #expect(detect(["Package.swift": "", "Makefile": "test:\n"]) == "swift test")
        #expect(detect(["package.json": #"{"scripts": {"build": "tsc"}}"#, "Makefile": "test:\n"]) == "make test")
    }

    @Test func readsOnlyRegularFilesFromTheDirectory() throws {
        let tree = try FileTree()
        defer { tree.remove() }
        try tree.file("approved/app/go.mod", "module x\n")
        #expect(TestCommandDetector.detect(in: tree.path("approved/app")) == "go test ./...")
        try tree.directory("approved/dir/Package.swift")
        #expect(TestCommandDetector.detect(in: tree.path("approved/dir")) == nil)
    }
}
