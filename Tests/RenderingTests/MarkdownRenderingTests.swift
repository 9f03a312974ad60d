import Testing
@testable import Rendering

/// Renders and also proves the output is valid Telegram HTML without the renderer's safety net.
private func render(_ markdown: String) throws -> String {
    let html = TelegramHTML.renderUnchecked(markdown: markdown)
    _ = try TelegramHTML.visibleText(ofHTML: html)
    #expect(TelegramHTML.render(markdown: markdown) == html)
    return html
}

@Suite struct MarkdownRenderingTests {
    @Test func plainTextEscapesMarkupCharacters() throws {
        #expect(try render("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d")
        #expect(try render("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(try render("say \"hi\"") == "say &quot;hi&quot;")
    }

    @Test func headingsBecomeBoldLines() throws {
        #expect(try render("# Title") == "<b>Title</b>")
        #expect(try render("### Three ###") == "<b>Three</b>")
        #expect(try render("Setext\n======") == "<b>Setext</b>")
        #expect(try render("#hashtag") == "#hashtag")
    }

    @Test func headingWithInlineCodeKeepsCodeOutsideBold() throws {
        #expect(try render("## Use `swift build`") == "<b>Use </b><code>swift build</code>")
    }

    @Test func boldItalicStrike() throws {
        #expect(try render("**bold** and __also__") == "<b>bold</b> and <b>also</b>")
        #expect(try render("*it* and _it_") == "<i>it</i> and <i>it</i>")
        #expect(try render("~~gone~~") == "<s>gone</s>")
        #expect(try render("***both***") == "<i><b>both</b></i>")
        #expect(try render("**bold *nested* text**") == "<b>bold <i>nested</i> text</b>")
    }

    @Test func intrawordUnderscoresAndMathAsterisksStayLiteral() throws {
        #expect(try render("call snake_case_name now") == "call snake_case_name now")
        #expect(try render("__init__ method") == "<b>init</b> method")
        #expect(try render("a*b*c") == "a*b*c")
        #expect(try render("2 * 3 * 4") == "2 * 3 * 4")
        #expect(try render("file_name_here and _real italic_") == "file_name_here and <i>real italic</i>")
        #expect(try render("这是**粗体**文字") == "这是<b>粗体</b>文字")
    }

    @Test func unclosedMarkersStayLiteral() throws {
        #expect(try render("**not closed") == "**not closed")
        #expect(try render("an *open one") == "an *open one")
        #expect(try render("`tick") == "`tick")
        #expect(try render("~single~") == "~single~")
        #expect(try render("[text](no close") == "[text](no close")
    }

    @Test func inlineCode() throws {
        #expect(try render("run `a < b && c`") == "run <code>a &lt; b &amp;&amp; c</code>")
        #expect(try render("``has ` tick``") == "<code>has ` tick</code>")
        #expect(try render("`**not bold**`") == "<code>**not bold**</code>")
        #expect(try render("**bold `code` bold**") == "<b>bold </b><code>code</code><b> bold</b>")
    }

    @Test func backslashEscapes() throws {
        #expect(try render(#"\*not italic\*"#) == "*not italic*")
        #expect(try render(#"path\to"#) == #"path\to"#)
    }

    @Test func fencedCodeBlocks() throws {
        #expect(try render("```swift\nlet x = a < b\n```") ==
            "<pre><code class=\"language-swift\">let x = a &lt; b</code></pre>")
        #expect(try render("```\nplain **text**\n```") == "<pre>plain **text**</pre>")
        #expect(try render("~~~python\nprint(1)\n~~~") == "<pre><code class=\"language-python\">print(1)</code></pre>")
        #expect(try render("````\n```\ninner\n```\n````") == "<pre>```\ninner\n```</pre>")
        #expect(try render("```c++ {title=x}\nint a;\n```") == "<pre><code class=\"language-c++\">int a;</code></pre>")
    }

    @Test func unclosedFenceRunsToTheEnd() throws {
        #expect(try render("text\n\n```js\nconst a = 1;\n\nmore") ==
            "text\n\n<pre><code class=\"language-js\">const a = 1;\n\nmore</code></pre>")
    }

    @Test func lists() throws {
        #expect(try render("- one\n- two") == "• one\n• two")
        #expect(try render("1. first\n2. second\n10) tenth") == "1. first\n2. second\n10. tenth")
        #expect(try render("- [ ] todo\n- [x] done") == "• ☐ todo\n• ☑ done")
        #expect(try render("* **bold** item") == "• <b>bold</b> item")
    }

    @Test func nestedListsKeepIndentation() throws {
        let markdown = "- a\n  - b\n    - c\n  - d\n- e\n\n1. x\n   - y"
        let indent = BlockRenderer.listIndent
        #expect(try render(markdown) ==
            "• a\n\(indent)• b\n\(indent)\(indent)• c\n\(indent)• d\n• e\n\n1. x\n\(indent)• y")
    }

    @Test func listItemContinuationLines() throws {
        #expect(try render("- first line\n  continued\n- next") == "• first line\ncontinued\n• next")
    }

    @Test func links() throws {
        #expect(try render("[site](https://example.com)") == "<a href=\"https://example.com\">site</a>")
        #expect(try render("[wiki](https://en.wikipedia.org/wiki/Swift_(language))") ==
            "<a href=\"https://en.wikipedia.org/wiki/Swift_(language)\">wiki</a>")
        #expect(try render("[q](https://x.org/?a=1&b=\"2\")") == "<a href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\">q</a>")
        #expect(try render("[**bold** link](http://a.b \"title\")") == "<a href=\"http://a.b\"><b>bold</b> link</a>")
        #expect(try render("<https://auto.link/x>") == "<a href=\"https://auto.link/x\">https://auto.link/x</a>")
        #expect(try render("[mail](mailto:a@b.c) [user](tg://user?id=1)") ==
            "<a href=\"mailto:a@b.c\">mail</a> <a href=\"tg://user?id=1\">user</a>")
        let codeLink = try render("[`code` link](https://a.b)")
        #expect(codeLink == "<code>code</code><a href=\"https://a.b\"> link</a>")
    }

    @Test func unsafeOrRelativeLinksBecomeText() throws {
        #expect(try render("[click](javascript:alert(1))") == "click (javascript:alert(1))")
        #expect(try render("[file](Sources/main.swift)") == "file (Sources/main.swift)")
        #expect(try render("[x](data:text/html,<b>)") == "x (data:text/html,&lt;b&gt;)")
        #expect(try render("<javascript:alert(1)>") == "&lt;javascript:alert(1)&gt;")
    }

    @Test func snakeCaseInsideUrlsStaysIntact() throws {
        #expect(try render("see https://x.org/my_page_name") == "see https://x.org/my_page_name")
    }

    @Test func blockQuotes() throws {
        #expect(try render("> quoted **text**\n> more") == "<blockquote>quoted <b>text</b>\nmore</blockquote>")
        #expect(try render("> outer\n>> inner") == "<blockquote>outer\ninner</blockquote>")
        #expect(try render("> ```\n> code <x>\n> ```") == "<blockquote><code>code &lt;x&gt;</code></blockquote>")
    }

    @Test func horizontalRules() throws {
        #expect(try render("a\n\n---\n\nb") == "a\n\n\(BlockRenderer.ruleText)\n\nb")
        #expect(try render("* * *") == BlockRenderer.ruleText)
    }

    @Test func tablesBecomeAlignedPreBlocks() throws {
        let markdown = """
        | Name | Qty | Note |
        |:-----|----:|:----:|
        | **apple** | 3 | `fresh` |
        | kiwi | 12 | a \\| b |
        """
        let expected = """
        <pre>Name  | Qty | Note
        ------+-----+------
        apple |   3 | fresh
        kiwi  |  12 | a | b</pre>
        """
        let html = try render(markdown)
        #expect(html == expected)
    }

    @Test func tableColumnsCountWideCharactersAsTwo() throws {
        let html = try render("| k | v |\n|---|---|\n| 日本 | x |\n| a | y |")
        #expect(html == "<pre>k    | v\n-----+--\n日本 | x\na    | y</pre>")
    }

    @Test func blankLinesBetweenBlocksAreKept() throws {
        #expect(try render("para one\nline two\n\npara two") == "para one\nline two\n\npara two")
        #expect(try render("# Head\ntext") == "<b>Head</b>\ntext")
    }

    @Test func emptyInputRendersEmpty() throws {
        #expect(try render("") == "")
        #expect(try render("\n\n  \n") == "")
    }

    @Test func escapeCoversAttributeCharacters() {
        #expect(TelegramHTML.escape(#"<a href="x">&</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
        #expect(TelegramHTML.escape("plain 日本 🙂") == "plain 日本 🙂")
    }
}
