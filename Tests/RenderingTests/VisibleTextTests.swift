import Testing
@testable import Rendering

@Suite struct VisibleTextTests {
    private func problem(_ html: String) -> RenderingError? {
        do {
            _ = try TelegramHTML.visibleText(ofHTML: html)
            return nil
        } catch {
            return error
        }
    }

    @Test func decodesEntitiesAndDropsTags() throws {
        let html = #"<b>a &lt;&gt; &amp; &quot;</b> <a href="https://x.org/?a=1&amp;b=2">l</a> &#128512;&#x1F600;"#
        #expect(try TelegramHTML.visibleText(ofHTML: html) == "a <> & \" l 😀😀")
    }

    @Test func acceptsEverySupportedElement() throws {
        let html = "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
            + "<del>d</del><tg-spoiler>p</tg-spoiler><code>c</code><pre>p</pre>"
            + "<pre><code class=\"language-swift\">x</code></pre><blockquote>q</blockquote>"
            + "<blockquote expandable>e</blockquote><b><i><u>nest</u></i></b><a href='https://a'><b>x</b></a>"
        #expect(try TelegramHTML.visibleText(ofHTML: html) == "bsieunskdpcpxqenestx")
    }

    @Test func rejectsUnsupportedTagsWithOffset() {
        #expect(problem("ok <script>x</script>") == RenderingError(.unsupportedTag, "unsupported tag <script>", byteOffset: 3))
        #expect(problem("<br/>")?.code == .unsupportedTag)
        #expect(problem("<span class=\"tg-spoiler\">x</span>")?.code == .unsupportedTag)
        #expect(problem("<b class=\"x\">x</b>")?.code == .unsupportedTag)
        #expect(problem("<a>x</a>")?.code == .unsupportedTag)
        #expect(problem("<pre><code class=\"swift\">x</code></pre>")?.code == .unsupportedTag)
        #expect(problem("<code class=\"language-swift\">x</code>")?.code == .unsupportedTag)
    }

    @Test func rejectsBareMarkupCharactersAndUnknownEntities() {
        #expect(problem("a < b")?.code == .malformedTag)
        #expect(problem("a > b") == RenderingError(.malformedTag, "a bare '>' must be written as &gt;", byteOffset: 2))
        #expect(problem("fish & chips")?.code == .invalidEntity)
        #expect(problem("&nbsp;")?.code == .invalidEntity)
        #expect(problem("&#0;")?.code == .invalidEntity)
        #expect(problem("&#xD800;")?.code == .invalidEntity)
        #expect(problem("&#1114112;")?.code == .invalidEntity)
        #expect(problem("&amp")?.code == .invalidEntity)
        #expect(problem("日本 &bogus;") == RenderingError(.invalidEntity, "unknown entity &bogus;", byteOffset: 7))
    }

    @Test func rejectsMisnestedAndUnclosedTags() {
        #expect(problem("<b><i>x</b></i>")?.code == .misnestedTag)
        #expect(problem("x</b>")?.code == .misnestedTag)
        #expect(problem("<b>x") == RenderingError(.unclosedTag, "<b> is never closed", byteOffset: 0))
        #expect(problem("<b")?.code == .malformedTag)
        #expect(problem("<a href=\"x>y</a>")?.code == .malformedTag)
    }

    @Test func rejectsNestingTelegramForbids() {
        #expect(problem("<code><b>x</b></code>")?.code == .forbiddenNesting)
        #expect(problem("<b><code>x</code></b>")?.code == .forbiddenNesting)
        #expect(problem("<pre><b>x</b></pre>")?.code == .forbiddenNesting)
        #expect(problem("<blockquote><blockquote>x</blockquote></blockquote>")?.code == .forbiddenNesting)
        #expect(problem("<blockquote><pre>x</pre></blockquote>")?.code == .forbiddenNesting)
        #expect(problem("<a href=\"https://a\"><a href=\"https://b\">x</a></a>")?.code == .forbiddenNesting)
        #expect(problem("<b><blockquote>x</blockquote></b>")?.code == .forbiddenNesting)
        #expect(problem("<blockquote><code>x</code> <b>y</b></blockquote>") == nil)
    }

    @Test func errorMessagesNameTheProblem() {
        let error = problem("<b>fine</b> <marquee>")
        #expect(error?.description == "unsupported_tag at byte 12: unsupported tag <marquee>")
    }
}
