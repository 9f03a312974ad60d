/// A program's arguments split into options and operands, the way getopt would.
struct BashArguments {
    var operands: [ShellWord] = []
    var options: [(name: String, value: ShellWord?)] = []

    func has(_ names: String...) -> Bool {
        options.contains { names.contains($0.name) }
    }

    func values(of names: Set<String>) -> [ShellWord] {
        options.compactMap { names.contains($0.name) ? $0.value : nil }
    }

    /// Options that take a value are listed in `valued` (`-n`, `--max-count`); others are flags.
    /// Short flags may be clustered (`-rn`), values attached (`-n5`, `--output=x`).
    init(_ args: [ShellWord], valued: Set<String> = []) {
        var index = 0
        while index < args.count {
            let word = args[index]
            index += 1
            guard let text = word.staticText, text.hasPrefix("-"), text.count > 1 else {
                operands.append(word)
                continue
            }
            if text == "--" {
                operands.append(contentsOf: args[index...])
                return
            }
            if text.hasPrefix("--") {
                if let equals = text.firstIndex(of: "=") {
                    options.append((String(text[..<equals]), .literal(String(text[text.index(after: equals)...]))))
                } else if valued.contains(text) {
                    options.append((text, index < args.count ? args[index] : nil))
                    index += 1
                } else {
                    options.append((text, nil))
                }
                continue
            }
            let letters = Array(text.dropFirst())
            if letters.allSatisfy(\.isNumber) {
                options.append((text, nil))
                continue
            }
            for (offset, letter) in letters.enumerated() {
                let name = "-" + String(letter)
                if valued.contains(name) {
                    let attached = String(letters[(offset + 1)...])
                    if attached.isEmpty {
                        options.append((name, index < args.count ? args[index] : nil))
                        index += 1
                    } else {
                        options.append((name, .literal(attached)))
                    }
                    break
                }
                options.append((name, nil))
            }
        }
    }
}
