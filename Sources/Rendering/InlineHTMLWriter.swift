/// Accumulates inline HTML while keeping the open elements well nested, whatever order the Markdown asks to
/// close them in, and keeping `<code>` outside every other inline element as Telegram requires.
struct InlineHTMLWriter {
    private struct OpenElement {
        let name: String
        let markup: String
    }

    private(set) var html = ""
    private var open: [OpenElement] = []

    mutating func text(_ text: String) {
        html += TelegramHTML.escape(text)
    }

    mutating func open(_ name: String, markup: String? = nil) {
        let element = OpenElement(name: name, markup: markup ?? "<\(name)>")
        html += element.markup
        open.append(element)
    }

    /// Closes the innermost open `name`; elements opened inside it are closed first and reopened after.
    mutating func close(_ name: String) {
        guard let position = open.lastIndex(where: { $0.name == name }) else { return }
        let inner = Array(open[(position + 1)...])
        for element in inner.reversed() { write(closing: element) }
        write(closing: open[position])
        open.remove(at: position)
        for element in inner { html += element.markup }
    }

    /// Writes the end tag of an element, or, when nothing was written inside it, removes its start tag:
    /// HTML ending with the start tag means that element is the innermost one and is still empty.
    private mutating func write(closing element: OpenElement) {
        if html.hasSuffix(element.markup) {
            html.removeLast(element.markup.count)
        } else {
            html += "</\(element.name)>"
        }
    }

    /// Writes inline code. Telegram does not let code sit inside formatting or links, so those are closed
    /// around it and reopened after it.
    mutating func code(_ code: String) {
        for element in open.reversed() { write(closing: element) }
        html += "<code>" + TelegramHTML.escape(code) + "</code>"
        for element in open { html += element.markup }
    }

    /// Closes whatever is still open and returns the HTML.
    mutating func finish() -> String {
        for element in open.reversed() { write(closing: element) }
        open.removeAll()
        return html
    }
}
