/// Rules for one file or folder name (a path component), shared by paths and upload names. The characters have
/// already passed `CharacterScreen`; these rules are about the shape of the name.
package enum NameRules {
    /// NAME_MAX on Linux, macOS and most file systems, in UTF-8 bytes.
    package static let maxNameBytes = 255

    package static func check(_ name: Substring) -> Refusal? {
        let bytes = name.utf8.count
        if bytes > maxNameBytes {
            return Refusal(.nameTooLong,
                           "a file or folder name is \(bytes) bytes long; the limit is \(maxNameBytes) bytes")
        }
        if name.unicodeScalars.first == "~" {
            return Refusal(.homeExpansion,
                           "a name starts with ~, which a shell expands to a home directory; use a path inside "
                           + "the project")
        }
        if name.unicodeScalars.first == "-" {
            return Refusal(.leadingDash, "a name starts with -, which programs read as an option")
        }
        if name.unicodeScalars.count >= 3, name.unicodeScalars.allSatisfy({ $0 == "." }) {
            return Refusal(.traversal, "a name made only of dots is not allowed")
        }
        if let last = name.unicodeScalars.last, last == "." || last == " " {
            return Refusal(.trailingDotOrSpace,
                           "a name ends with a \(last == "." ? "dot" : "space"), which Windows silently drops")
        }
        if isWindowsDevice(name) {
            return Refusal(.reservedName,
                           "\(InputExcerpt.quote(String(name.unicodeScalars.prefix(while: { $0 != "." })))) is a "
                           + "reserved device name on Windows")
        }
        return nil
    }

    private static let windowsDevices: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"]
        for digit in 0...9 {
            names.insert("COM\(digit)")
            names.insert("LPT\(digit)")
        }
        return names
    }()

    /// `CON`, `con.txt`, `Aux .md`: Windows maps these to devices whatever the extension.
    private static func isWindowsDevice(_ name: Substring) -> Bool {
        var base = name.unicodeScalars.prefix(while: { $0 != "." })
        while base.last == " " { base = base.dropLast() }
        guard base.count <= 7 else { return false }
        return windowsDevices.contains(String(base).uppercased())
    }
}
