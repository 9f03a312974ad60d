import Testing
@testable import Rendering

/// Property tests over generated inputs. Each case is replayable from its seed; the whole suite runs in a
/// couple of seconds.
@Suite struct PropertyTests {
    private static func withoutWhitespace(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// Checks every splitting property for one input and reports the seed with any failure.
    private static func checkSplit(_ chunks: [String], of fullVisible: String, limit: Int, isHTML: Bool, seed: UInt64) {
        var joined = ""
        for (index, chunk) in chunks.enumerated() {
            let visible: String
            if isHTML {
                do {
                    visible = try TelegramHTML.visibleText(ofHTML: chunk)
                } catch {
                    Issue.record("seed \(seed) limit \(limit): chunk \(index) is invalid: \(error)")
                    return
                }
            } else {
                visible = chunk
            }
            let length = visible.utf16.count
            #expect(length <= limit, "seed \(seed): chunk \(index) shows \(length) > \(limit)")
            #expect(visible.contains { !$0.isWhitespace }, "seed \(seed): chunk \(index) shows nothing")
            if index < chunks.count - 1 {
                #expect(length >= limit / 4, "seed \(seed): chunk \(index) of \(chunks.count) is only \(length)")
            }
            joined += visible
        }
        #expect(withoutWhitespace(joined) == withoutWhitespace(fullVisible), "seed \(seed) limit \(limit): text lost")
    }

    @Test func renderedMarkdownIsAlwaysValid() throws {
        for seed in UInt64(1)...400 {
            var fuzzer = MarkdownFuzzer(seed: seed)
            let markdown = seed % 4 == 0
                ? (0..<fuzzer.number(1...20)).map { _ in fuzzer.soupLine() }.joined(separator: "\n")
                : fuzzer.document()
            let html = TelegramHTML.renderUnchecked(markdown: markdown)
            #expect(throws: Never.self, "seed \(seed)") { try TelegramHTML.visibleText(ofHTML: html) }
        }
    }

    @Test func splitRenderedMarkdown() throws {
        for seed in UInt64(1)...160 {
            var fuzzer = MarkdownFuzzer(seed: seed)
            let html = TelegramHTML.render(markdown: fuzzer.document())
            let fullVisible = try TelegramHTML.visibleText(ofHTML: html)
            let limit = fuzzer.pick([16, 64, 300, 1000, 4096])
            let chunks = MessageSplitter.split(html: html, limit: limit)
            Self.checkSplit(chunks, of: fullVisible, limit: limit, isHTML: true, seed: seed)
        }
    }

    @Test func splitIsMinimalForNormallySpacedText() throws {
        for seed in UInt64(1000)...1150 {
            var fuzzer = MarkdownFuzzer(seed: seed)
            fuzzer.allowUnspacedRuns = false
            let html = TelegramHTML.render(markdown: fuzzer.document())
            let limit = fuzzer.pick([200, 1000, 4096])
            let chunks = MessageSplitter.split(html: html, limit: limit)
            guard chunks.count > 1 else { continue }
            // No chunk but the last is under a quarter of the limit, and on average they are over half full,
            // so there are at most about twice as many messages as strictly needed.
            var filled = 0
            for chunk in chunks.dropLast() {
                let length = try TelegramHTML.visibleText(ofHTML: chunk).utf16.count
                #expect(length >= limit / 4, "seed \(seed): chunk of \(length) with limit \(limit)")
                filled += length
            }
            let average = filled / (chunks.count - 1)
            #expect(average >= limit / 2, "seed \(seed): chunks average \(average) with limit \(limit)")
        }
    }

    @Test func splitPlainText() {
        for seed in UInt64(5000)...5100 {
            var fuzzer = MarkdownFuzzer(seed: seed)
            let text = fuzzer.document()
            let limit = fuzzer.pick([2, 3, 10, 100, 4096])
            let chunks = MessageSplitter.split(plain: text, limit: limit)
            Self.checkSplit(chunks, of: text, limit: limit, isHTML: false, seed: seed)
        }
    }

    @Test func replyPlanNeverLosesText() throws {
        for seed in UInt64(9000)...9040 {
            var fuzzer = MarkdownFuzzer(seed: seed)
            let markdown = fuzzer.document()
            let threshold = fuzzer.pick([500, 5000, 50000])
            switch ReplyLayout.plan(markdown: markdown, documentThreshold: threshold, limit: 1000) {
            case .messages(let chunks):
                let full = try TelegramHTML.visibleText(ofHTML: TelegramHTML.render(markdown: markdown))
                #expect(full.utf16.count <= threshold)
                Self.checkSplit(chunks, of: full, limit: 1000, isHTML: true, seed: seed)
            case .document(let summary, _, let content):
                #expect(content == markdown)
                let visible = try TelegramHTML.visibleText(ofHTML: summary)
                #expect(visible.utf16.count <= ReplyLayout.summaryLimit, "seed \(seed)")
            }
        }
    }
}
