import Testing
@testable import Rendering

@Suite struct MessageSplitterTests {
    private func visible(_ html: String) throws -> String {
        try TelegramHTML.visibleText(ofHTML: html)
    }

    @Test func shortTextIsOneChunk() {
        #expect(MessageSplitter.split(html: "<b>hi</b> there") == ["<b>hi</b> there"])
        #expect(MessageSplitter.split(plain: "hi") == ["hi"])
    }

    @Test func emptyOrBlankTextHasNoChunks() {
        #expect(MessageSplitter.split(html: "") == [])
        #expect(MessageSplitter.split(html: "<b> </b>\n\n") == [])
        #expect(MessageSplitter.split(plain: "   ") == [])
    }

    @Test func prefersParagraphThenLineThenWord() {
        let paragraphs = MessageSplitter.split(plain: "aaaa bbbb\ncccc\n\ndddd eeee", limit: 16)
        #expect(paragraphs == ["aaaa bbbb\ncccc", "dddd eeee"])
        let lines = MessageSplitter.split(plain: "aaaa bbbb\ncccc dddd", limit: 12)
        #expect(lines == ["aaaa bbbb", "cccc dddd"])
        let words = MessageSplitter.split(plain: "aaaa bbbb cccc dddd", limit: 12)
        #expect(words == ["aaaa bbbb", "cccc dddd"])
    }

    @Test func longWordIsCutAnywhere() {
        #expect(MessageSplitter.split(plain: String(repeating: "x", count: 25), limit: 10) ==
            ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"])
    }

    @Test func closesAndReopensTagsWithAttributes() throws {
        let html = "<pre><code class=\"language-swift\">line one\nline two\nline three</code></pre>"
        let chunks = MessageSplitter.split(html: html, limit: 20)
        #expect(chunks == [
            "<pre><code class=\"language-swift\">line one\nline two</code></pre>",
            "<pre><code class=\"language-swift\">line three</code></pre>",
        ])
        let link = MessageSplitter.split(html: "<a href=\"https://x.org/?a&amp;b\"><b>one two</b></a>", limit: 4)
        #expect(link == [
            "<a href=\"https://x.org/?a&amp;b\"><b>one</b></a>",
            "<a href=\"https://x.org/?a&amp;b\"><b>two</b></a>",
        ])
    }

    @Test func tagsAtACutGoWithTheTextTheyTouch() {
        let chunks = MessageSplitter.split(html: "<b>aaaa</b>\n\n<i>bbbb</i>", limit: 6)
        #expect(chunks == ["<b>aaaa</b>", "<i>bbbb</i>"])
    }

    @Test func neverCutsEntitiesOrSurrogatePairs() throws {
        let html = String(repeating: "&amp;😀", count: 10)
        let chunks = MessageSplitter.split(html: html, limit: 3)
        #expect(chunks.count == 10)
        for chunk in chunks {
            #expect(try visible(chunk) == "&😀")
        }
        let emoji = MessageSplitter.split(plain: String(repeating: "👩‍👩‍👧", count: 3), limit: 9)
        #expect(emoji == ["👩‍👩‍👧", "👩‍👩‍👧", "👩‍👩‍👧"])
    }

    @Test func countsUTF16CodeUnits() throws {
        let chunks = MessageSplitter.split(plain: String(repeating: "😀", count: 4096), limit: 4096)
        #expect(chunks.count == 2)
        #expect(chunks.map(\.utf16.count) == [4096, 4096])
    }

    @Test func invalidHTMLIsSentEscaped() throws {
        let chunks = MessageSplitter.split(html: "<script>x</script>", limit: 4096)
        #expect(chunks == ["&lt;script&gt;x&lt;/script&gt;"])
    }

    @Test func keepsIndentationAfterALineCut() throws {
        let chunks = MessageSplitter.split(html: "<pre>func f() {\n    body()\n}</pre>", limit: 14)
        #expect(chunks == ["<pre>func f() {</pre>", "<pre>    body()\n}</pre>"])
    }
}

@Suite struct ReplyLayoutTests {
    @Test func shortAnswerIsMessages() {
        #expect(ReplyLayout.plan(markdown: "**hi**", documentThreshold: 100) == .messages(["<b>hi</b>"]))
    }

    @Test func answerBetweenLimitAndThresholdIsSplit() throws {
        let markdown = (1...40).map { "Paragraph \($0) " + String(repeating: "word ", count: 30) }
            .joined(separator: "\n\n")
        guard case .messages(let chunks) = ReplyLayout.plan(markdown: markdown, documentThreshold: 100_000, limit: 1000)
        else {
            Issue.record("expected messages")
            return
        }
        #expect(chunks.count > 1)
        for chunk in chunks {
            #expect(try TelegramHTML.visibleText(ofHTML: chunk).utf16.count <= 1000)
        }
    }

    @Test func longAnswerBecomesDocumentWithValidSummary() throws {
        let markdown = "# Report\n\nFirst **paragraph** here.\n\n" + String(repeating: "More text. ", count: 2000)
        guard case .document(let summary, let fileName, let content) =
            ReplyLayout.plan(markdown: markdown, documentThreshold: 8000)
        else {
            Issue.record("expected a document")
            return
        }
        #expect(fileName == "reply.md")
        #expect(content == markdown)
        let text = try TelegramHTML.visibleText(ofHTML: summary)
        #expect(text.utf16.count <= ReplyLayout.summaryLimit)
        #expect(text.hasPrefix("Report\n\nFirst paragraph here."))
        #expect(text.hasSuffix("…"))
    }
}
