/// What a person may upload into a workspace. Gatehouse is a coding assistant, so the allowlist is source code,
/// text and configuration, documents (PDF) and the four common image formats.
///
/// Decisions, briefly:
/// - Shell scripts (`.sh`, `.bash`, `.zsh`) are allowed: they are ordinary project files, an upload only writes
///   the file (nothing runs it), and every command Claude later wants to run goes through the tool policy.
///   Windows scripts (`.bat`, `.cmd`, `.ps1`) stay refused as executables, as the brief asks.
/// - `.zip`, `.tar`, `.tar.gz` and `.tgz` are accepted and unpacked by the executor, which checks every entry
///   (no `../`, absolute names, links or devices, caps on count, size and ratio, nothing overwritten) and refuses
///   the whole archive otherwise. Other archives (`.7z`, `.rar`, a lone `.gz`, `.docx`/`.xlsx`) stay refused.
/// - Files without an extension are refused except well-known project files (`Makefile`, `Dockerfile`, …),
///   which are checked as text.
public struct UploadPolicy: Sendable {
    /// How the content of an allowed file is checked.
    public enum ContentKind: Sendable, Equatable {
        /// UTF-8 without NUL bytes.
        case text
        /// Text that may start with `#!`.
        case script
        case png, jpeg, gif, webp, pdf
        /// Archives the executor unpacks: checked here only as what they claim to be.
        case zip, tar, gzip
    }

    /// Lower-case extension (no dot) to how its content is checked.
    public var allowedExtensions: [String: ContentKind]
    /// Exact names without an extension that are accepted as text.
    public var allowedBareNames: Set<String>
    /// Telegram bots can download files up to 20 MB (getFile), so nothing larger can arrive anyway.
    public var maxBytes: Int
    /// How much of the head of a file the content checks look at.
    public var inspectedBytes: Int

    public init(maxBytes: Int = 20 * 1024 * 1024, inspectedBytes: Int = 8 * 1024) {
        self.maxBytes = maxBytes
        self.inspectedBytes = inspectedBytes
        allowedBareNames = Self.defaultBareNames
        var extensions: [String: ContentKind] = [:]
        for ext in Self.defaultTextExtensions { extensions[ext] = .text }
        for ext in Self.defaultScriptExtensions { extensions[ext] = .script }
        extensions["png"] = .png
        extensions["jpg"] = .jpeg
        extensions["jpeg"] = .jpeg
        extensions["gif"] = .gif
        extensions["webp"] = .webp
        extensions["pdf"] = .pdf
        extensions["zip"] = .zip
        extensions["tar"] = .tar
        extensions["tgz"] = .gzip
        // Only as `.tar.gz` (see `UploadValidator`): a lone gzip file is not unpacked.
        extensions["gz"] = .gzip
        allowedExtensions = extensions
    }

    /// Refused whatever the allowlist says, because they run as programs or load as libraries.
    public static let executableExtensions: Set<String> = [
        "exe", "dll", "so", "dylib", "bin", "elf", "app", "msi", "msix", "msp", "deb", "rpm", "apk", "ipa", "dmg",
        "pkg", "appimage", "bat", "cmd", "com", "scr", "pif", "ps1", "psm1", "psd1", "vbs", "vbe", "wsf", "wsh",
        "hta", "cpl", "msc", "lnk", "reg", "jar", "class", "run", "out", "ko", "sys", "drv", "ocx", "o", "a",
    ]

    static let defaultTextExtensions: Set<String> = [
        // Prose and data.
        "txt", "md", "markdown", "rst", "adoc", "org", "log", "csv", "tsv", "json", "jsonl", "ndjson", "yaml",
        "yml", "toml", "ini", "cfg", "conf", "xml", "html", "htm", "css", "scss", "sass", "less", "svg", "sql",
        "graphql", "gql", "proto", "diff", "patch", "lock", "tf", "hcl", "nix", "gradle", "cmake", "mk",
        // Source code (interpreted languages that use `#!` are in the script list).
        "swift", "go", "rs", "java", "kt", "kts", "scala", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm",
        "cs", "fs", "dart", "ex", "exs", "erl", "hs", "ml", "clj", "elm", "vue", "svelte", "jsx", "tsx", "zig",
        "ipynb", "pyi",
    ]

    static let defaultScriptExtensions: Set<String> = [
        "sh", "bash", "zsh", "fish", "py", "rb", "pl", "pm", "php", "lua", "r", "js", "mjs", "cjs", "ts",
    ]

    static let defaultBareNames: Set<String> = [
        "Makefile", "Dockerfile", "Containerfile", "Gemfile", "Rakefile", "Procfile", "Brewfile", "Podfile",
        "Jenkinsfile", "Vagrantfile", "Justfile", "LICENSE", "README", "CHANGELOG", "NOTICE", "AUTHORS", "COPYING",
        ".gitignore", ".gitkeep",
    ]
}
