/// How a read-only program takes its arguments, so that the files it reads (and the few it may write) are found.
struct BashReadOnlyProgram {
    /// Options that take a value.
    var valued: Set<String> = []
    /// The first operand is a pattern, not a file, unless one of `patternOptions` supplied the pattern.
    var patternFirst = false
    var patternOptions: Set<String> = []
    /// Options whose value is a file the program reads, or writes.
    var readOptions: Set<String> = []
    var writeOptions: Set<String> = []
    /// Options that make the program do more than read (run another program, …).
    var askOptions: Set<String> = []
    /// False for programs that read names and metadata only (`ls`, `stat`): a pattern that could match a secret
    /// file reveals nothing of what it holds.
    var readsContents = true
}

/// The programs the policy knows by name.
enum BashProgramCatalog {
    static let privileged: Set<String> = ["sudo", "su", "doas", "pkexec", "run0", "sudoedit", "runuser", "sg", "newgrp", "calife"]

    static let dangerous: Set<String> = [
        "mkswap", "fdisk", "sfdisk", "cfdisk", "parted", "wipefs", "shutdown", "reboot", "halt", "poweroff", "init",
        "telinit", "crontab", "systemctl", "service", "iptables", "ip6tables", "iptables-restore", "nft", "ufw",
        "firewall-cmd", "mount", "umount", "chroot", "nsenter", "unshare", "insmod", "rmmod", "modprobe", "swapon",
        "swapoff", "useradd", "userdel", "usermod", "groupadd", "groupdel", "passwd", "chpasswd", "visudo", "setcap",
        "sysctl", "at", "launchctl", "kexec", "dmsetup", "cryptsetup", "losetup", "hdparm", "blkdiscard", "killall5",
        "mknod", "debugfs", "chattr", "setenforce", "capsh",
    ]

    /// Programs that run code given inline or as a script, with the options that take inline code.
    static let interpreters: [String: Set<String>] = [
        "python": ["-c"], "pypy": ["-c"], "pypy3": ["-c"], "perl": ["-e", "-E"], "ruby": ["-e"], "node": ["-e", "-p", "--eval", "--print"],
        "nodejs": ["-e", "-p", "--eval", "--print"], "deno": ["eval"], "bun": ["-e", "--eval"], "php": ["-r"],
        "lua": ["-e"], "luajit": ["-e"], "Rscript": ["-e"], "tclsh": [], "osascript": ["-e"],
    ]

    static func interpreterKey(_ name: String) -> String? {
        if interpreters[name] != nil { return name }
        if name.hasPrefix("python") && name.dropFirst(6).allSatisfy({ $0.isNumber || $0 == "." }) { return "python" }
        if name.hasPrefix("ruby") || name.hasPrefix("perl") || name.hasPrefix("php") {
            let base = String(name.prefix(name.hasPrefix("php") ? 3 : 4))
            return name.dropFirst(base.count).allSatisfy({ $0.isNumber || $0 == "." }) ? base : nil
        }
        return nil
    }

    /// Builtins and utilities that only print or compute: their operands are not files.
    static let textOnly: Set<String> = [
        "true", "false", ":", "echo", "printf", "basename", "dirname", "which", "whereis", "type", "test", "[", "expr",
        "seq", "sleep", "whoami", "id", "nproc", "arch", "uname", "pwd", "tty", "logname", "groups", "uptime", "locale",
        "cal", "exit", "return", "shift", "break", "continue", "wait", "unset", "read", "getopts", "umask", "ulimit",
        "shopt", "hash", "let", "jobs", "local", "tr", "disown", "caller", "times", "dirs",
    ]

    static let readOnly: [String: BashReadOnlyProgram] = {
        var table: [String: BashReadOnlyProgram] = [:]
        for name in ["cat", "wc", "comm", "tac", "rev", "readlink", "md5sum", "sha1sum", "sha224sum", "sha256sum",
                     "sha384sum", "sha512sum", "b2sum", "cksum", "sum", "shasum", "md5", "nl", "fold", "fmt", "expand",
                     "unexpand", "paste", "column", "strings", "od", "hexdump", "look", "numfmt", "iconv"] {
            // Options of these are read as flags: a value mistaken for an operand is checked as a file, which is
            // only stricter, whereas an operand mistaken for a value would escape the check.
            table[name] = BashReadOnlyProgram()
        }
        table["iconv"] = BashReadOnlyProgram(valued: ["-f", "-t", "--from-code", "--to-code", "-o", "--output"], writeOptions: ["-o", "--output"])
        table["head"] = BashReadOnlyProgram(valued: ["-n", "-c", "--lines", "--bytes"])
        table["tail"] = BashReadOnlyProgram(valued: ["-n", "-c", "--lines", "--bytes", "-s", "--sleep-interval", "--pid"])
        for name in ["less", "more"] {
            table[name] = BashReadOnlyProgram(valued: ["-p", "-x", "-y", "-b", "-h", "-j", "-z", "-P", "-o", "-O", "-t", "-T", "--log-file", "--LOG-FILE"],
                                              writeOptions: ["-o", "-O", "--log-file", "--LOG-FILE"])
        }
        table["file"] = BashReadOnlyProgram(valued: ["-m", "-f", "-F", "-e", "-P", "--magic-file", "--files-from", "--separator"],
                                            readOptions: ["-m", "-f", "--magic-file", "--files-from"])
        table["stat"] = BashReadOnlyProgram(valued: ["-c", "--format", "--printf"], readsContents: false)
        table["ls"] = BashReadOnlyProgram(valued: ["-I", "--ignore", "-w", "--width", "-T", "--tabsize", "--hide", "--format", "--sort",
                                                   "--time", "--time-style", "--block-size", "--quoting-style", "--indicator-style"],
                                          readsContents: false)
        let grep = BashReadOnlyProgram(
            valued: ["-e", "-f", "-m", "-A", "-B", "-C", "-d", "-D", "--regexp", "--file", "--max-count", "--after-context",
                     "--before-context", "--context", "--include", "--exclude", "--exclude-dir", "--exclude-from", "--label",
                     "--binary-files", "--devices", "--directories", "--group-separator"],
            patternFirst: true, patternOptions: ["-e", "-f", "--regexp", "--file"], readOptions: ["-f", "--file", "--exclude-from"])
        for name in ["grep", "egrep", "fgrep", "zgrep"] { table[name] = grep }
        table["rg"] = BashReadOnlyProgram(
            valued: ["-e", "-f", "-g", "-t", "-T", "-m", "-A", "-B", "-C", "-M", "-j", "-r", "-E", "-d", "--regexp", "--file", "--glob",
                     "--iglob", "--type", "--type-not", "--max-count", "--after-context", "--before-context", "--context",
                     "--max-columns", "--threads", "--replace", "--encoding", "--max-depth", "--max-filesize", "--sort", "--sortr",
                     "--colors", "--type-add", "--ignore-file", "--path-separator", "--context-separator", "--pre", "--pre-glob",
                     "--engine", "--field-match-separator", "--field-context-separator"],
            patternFirst: true, patternOptions: ["-e", "-f", "--regexp", "--file", "--files", "--type-list"],
            readOptions: ["-f", "--file", "--ignore-file"], askOptions: ["--pre"])
        table["ag"] = BashReadOnlyProgram(valued: ["-G", "-A", "-B", "-C", "-m", "--ignore", "--file-search-regex", "--depth", "-g"],
                                          patternFirst: true, patternOptions: ["-g"])
        table["sort"] = BashReadOnlyProgram(
            valued: ["-k", "-t", "-o", "-T", "-S", "--key", "--field-separator", "--output", "--temporary-directory", "--buffer-size",
                     "--parallel", "--batch-size", "--compress-program", "--files0-from", "--random-source"],
            readOptions: ["--files0-from", "--random-source"], writeOptions: ["-o", "--output"], askOptions: ["--compress-program"])
        table["uniq"] = BashReadOnlyProgram(valued: ["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"])
        table["cut"] = BashReadOnlyProgram(valued: ["-d", "-f", "-b", "-c", "--delimiter", "--fields", "--bytes", "--characters", "--output-delimiter"])
        table["tree"] = BashReadOnlyProgram(valued: ["-L", "-I", "-P", "-o", "-H", "-T", "--filelimit", "--charset", "--sort", "--timefmt", "--fromfile"],
                                            writeOptions: ["-o"], readsContents: false)
        table["du"] = BashReadOnlyProgram(valued: ["-d", "-B", "-t", "-X", "--max-depth", "--block-size", "--threshold", "--exclude",
                                                   "--exclude-from", "--time-style"], readOptions: ["-X", "--exclude-from"],
                                          readsContents: false)
        table["df"] = BashReadOnlyProgram(valued: ["-B", "-t", "-x", "--output", "--block-size", "--type", "--exclude-type"])
        table["diff"] = BashReadOnlyProgram(
            valued: ["-U", "-C", "-x", "-X", "-I", "-F", "-L", "-W", "--label", "--exclude", "--exclude-from", "--ignore-matching-lines",
                     "--unified", "--context", "--show-function-line", "--width", "--to-file", "--from-file", "--line-format"],
            readOptions: ["-X", "--exclude-from", "--to-file", "--from-file"])
        table["cmp"] = BashReadOnlyProgram(valued: ["-i", "-n", "--ignore-initial", "--bytes"])
        table["join"] = BashReadOnlyProgram(valued: ["-1", "-2", "-t", "-o", "-j", "-e", "-a", "-v"])
        table["xxd"] = BashReadOnlyProgram(valued: ["-l", "-s", "-c", "-g", "-o", "-n"], askOptions: ["-r", "-revert"])
        table["realpath"] = BashReadOnlyProgram(valued: ["--relative-to", "--relative-base"], readsContents: false)
        table["readlink"] = BashReadOnlyProgram(readsContents: false)
        table["zcat"] = BashReadOnlyProgram()
        return table
    }()

    /// Build tools and test runners that run the project's own code, with the subcommands that do only that (nil:
    /// any). Others (`npm install`, `cargo publish`, …) are asked about like any unknown command.
    static let projectTools: [String: Set<String>?] = [
        "make": nil, "gmake": nil, "cmake": nil, "ctest": nil, "ninja": nil, "meson": ["compile", "test", "setup"],
        "pytest": nil, "py.test": nil, "jest": nil, "vitest": nil, "mocha": nil, "tsc": nil, "eslint": nil, "prettier": nil,
        "ruff": nil, "mypy": nil, "black": nil, "flake8": nil, "pylint": nil, "isort": nil, "rspec": nil, "rake": nil,
        "phpunit": nil, "gofmt": nil, "rustfmt": nil, "clang-format": nil, "shellcheck": nil,
        "npm": ["test", "t", "run", "run-script", "start", "stop", "restart"], "pnpm": ["test", "t", "run", "start", "build", "lint"],
        "yarn": ["test", "run", "start", "build", "lint"], "swift": ["build", "test", "run"],
        "cargo": ["build", "b", "test", "t", "run", "r", "check", "c", "clippy", "fmt", "bench", "doc"],
        "go": ["build", "test", "run", "vet", "fmt", "generate"], "dotnet": ["build", "test", "run"], "mix": ["test", "compile"],
        "gradle": ["build", "test", "check"], "mvn": ["test", "compile", "verify", "package"],
    ]

    /// Python modules run with `-m` that are the project's tests and tools.
    static let projectModules: Set<String> = [
        "pytest", "unittest", "doctest", "mypy", "black", "ruff", "flake8", "pylint", "isort", "coverage", "compileall",
        "py_compile", "json.tool", "venv", "timeit", "cProfile", "pdb",
    ]

    /// Text in inline code that names the network: such code is asked about as a network tool.
    static let networkCodeMarkers = [
        "urllib", "urlopen", "requests", "http.client", "httpx", "aiohttp", "socket", "ftplib", "smtplib", "telnetlib",
        "fetch(", "http.get", "https.get", "http.request", "https.request", "require('http", "require(\"http", "from 'http",
        "from \"http", "require('net", "require(\"net", "net.connect", "createConnection", "dgram", "axios", "WebSocket",
        "Net::HTTP", "open-uri", "URI.open", "TCPSocket", "LWP", "IO::Socket", "HTTP::Tiny", "fsockopen", "curl_",
        "stream_socket_client", "http://", "https://", "/dev/tcp", "curl", "wget",
    ]

    static let writers: Set<String> = [
        "rm", "rmdir", "unlink", "shred", "mv", "cp", "ln", "install", "mkdir", "touch", "truncate", "chmod", "chown",
        "chgrp", "tee", "dd", "mkfifo",
    ]

    static let environmentDumpMarkers = [
        "os.environ)", "os.environ.items", "os.environ.copy", "dict(os.environ", "os.environ;", "process.env)", "process.env,",
        "process.env;", "stringify(process.env", "%ENV", "ENV.to_h", "ENV.each", "Deno.env.toObject", "getenv()",
    ]
}
