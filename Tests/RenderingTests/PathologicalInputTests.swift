import Foundation
import Testing
@testable import Rendering

/// Inputs that make naive Markdown parsers quadratic. Claude's answers can be long; rendering must stay linear.
@Suite struct PathologicalInputTests {
    static let inputs = [
        String(repeating: "[", count: 40_000),
        String(repeating: "[a](", count: 10_000),
        String(repeating: "` `` ", count: 8_000),
        String(repeating: "*a _b ", count: 8_000),
        String(repeating: "**", count: 20_000) + "x",
        String(repeating: "<", count: 40_000),
        String(repeating: "<a", count: 20_000),
        String(repeating: "a_", count: 20_000),
        String(repeating: "> ", count: 20_000),
        String(repeating: "- ", count: 20_000),
        String(repeating: "|", count: 20_000) + "\n|-|\n",
        String(repeating: "> ", count: 20_000) + "x\n" + String(repeating: ">", count: 20_000),
        String(repeating: "  - item\n", count: 20_000),
        String(repeating: "[a](b \"", count: 8_000),
        String(repeating: "[a](<b", count: 8_000),
        String(repeating: "[a](" + String(repeating: "x", count: 50), count: 2_000),
    ]

    /// Arguments are indexes so that a failure does not print a 40,000-character input.
    @Test(arguments: inputs.indices)
    func rendersQuickly(_ index: Int) throws {
        let markdown = Self.inputs[index]
        let start = ContinuousClock.now
        let html = TelegramHTML.renderUnchecked(markdown: markdown)
        let visible = try TelegramHTML.visibleText(ofHTML: html)
        let chunks = MessageSplitter.split(html: html, limit: 4096)
        #expect(!chunks.isEmpty || visible.allSatisfy(\.isWhitespace))
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(20), "took \(elapsed)")
    }
}
