/// Random Markdown in the style Claude writes, salted with everything that breaks naive renderers and
/// splitters: stray and unclosed markers, `<&>"`, snake_case, math asterisks, emoji (surrogate pairs and
/// ZWJ sequences), combining marks, CJK, long code blocks and very long words without spaces.
struct MarkdownFuzzer {
    var random: SeededGenerator
    /// When false, text is normally spaced: no very long words, no words glued together.
    var allowUnspacedRuns = true

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    private static let words = [
        "hello", "world", "the", "answer", "is", "snake_case_name", "__init__", "a*b*c", "2*x*y", "<script>",
        "a&b", "\"quoted\"", "'single'", "日本語", "中文字符测试", "😀", "👩‍👩‍👧", "🇫🇷", "e\u{301}", "x<y>z", "&amp;",
        "&nbsp;", "**", "*", "_", "`", "~~", "~", "[", "]", "(", ")", "\\", "|", "#", ">", "-", "1.",
        "https://example.com/a_b_c", "tg://user?id=1", "<https://auto.link>", "&#128512;", "</b>", "<b>",
    ]
    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789")
    private static let soup = Array("*_~`[]()<>&\"'!#>-|\\\n \t日😀a1.:")

    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &random) < percent
    }

    mutating func number(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[number(0...(items.count - 1))]
    }

    mutating func word() -> String {
        if allowUnspacedRuns && chance(1) {
            let character = pick(["x", "😀", "日", "&", "<"])
            return String(repeating: character, count: number(100...1500))
        }
        if chance(50) { return pick(Self.words) }
        return String((0..<number(1...12)).map { _ in pick(Self.letters) })
    }

    mutating func inline(words count: Int) -> String {
        var parts: [String] = []
        for _ in 0..<count {
            var text = word()
            switch number(0...40) {
            case 0: text = "**\(text)**"
            case 1: text = "*\(text) \(word())*"
            case 2: text = "_\(text)_"
            case 3: text = "`\(text)`"
            case 4: text = "~~\(text)~~"
            case 5: text = "[\(text)](https://x.org/wiki/A_(b))"
            case 6: text = "[\(text)](javascript:alert(1))"
            case 7: text = "**\(text) `code` \(word())**"
            case 8: text = "***\(text)***"
            case 9: text = "[**\(text)** `c`](http://a.b \"t\")"
            default: break
            }
            parts.append(text)
        }
        return parts.joined(separator: allowUnspacedRuns && chance(5) ? "" : " ")
    }

    mutating func soupLine() -> String {
        String((0..<number(0...80)).map { _ in pick(Self.soup) })
    }

    mutating func codeBlock() -> String {
        let fence = pick(["```", "~~~", "````"])
        let language = pick(["", "swift", "python", "c++", "a\"b<c"])
        let lines = (0..<number(1...(chance(10) ? 120 : 12))).map { _ -> String in
            let indent = String(repeating: " ", count: number(0...8))
            return indent + pick(["let x = a < b && c > d", "if (x) { y(); }", "// 注释 😀", "", "print(\"&amp;\")",
                                  "</code></pre>", inline(words: number(1...8))])
        }
        let closing = chance(90) ? "\n" + fence : ""
        return fence + language + "\n" + lines.joined(separator: "\n") + closing
    }

    mutating func table() -> String {
        let columns = number(1...4)
        func row() -> String {
            "| " + (0..<columns).map { _ in inline(words: number(0...3)) }.joined(separator: " | ") + " |"
        }
        let delimiter = "|" + (0..<columns).map { _ in pick([":--", "--:", ":-:", "---"]) }.joined(separator: "|") + "|"
        return ([row(), delimiter] + (0..<number(0...5)).map { _ in row() }).joined(separator: "\n")
    }

    mutating func list() -> String {
        (0..<number(1...8)).map { index -> String in
            let indent = String(repeating: " ", count: pick([0, 0, 2, 4, 3]))
            let marker = pick(["-", "*", "+", "\(index + 1).", "\(index + 1))", "- [ ]", "- [x]"])
            return indent + marker + " " + inline(words: number(1...15))
        }.joined(separator: "\n")
    }

    mutating func block() -> String {
        switch number(0...11) {
        case 0: return String(repeating: "#", count: number(1...7)) + " " + inline(words: number(0...6))
        case 1: return codeBlock()
        case 2: return list()
        case 3: return (0..<number(1...4)).map { _ in pick(["> ", ">", ">> ", "> > "]) + inline(words: number(0...10)) }
            .joined(separator: "\n")
        case 4: return "> ```\n> quoted code <&>\n> ```"
        case 5: return table()
        case 6: return pick(["---", "***", "___", "- - -"])
        case 7: return soupLine()
        default:
            return (0..<number(1...4)).map { _ in inline(words: number(1...40)) }.joined(separator: "\n")
        }
    }

    mutating func document() -> String {
        var text = ""
        for index in 0..<number(1...15) {
            if index > 0 { text += pick(["\n\n", "\n", "\n\n\n"]) }
            text += block()
        }
        return text
    }
}
