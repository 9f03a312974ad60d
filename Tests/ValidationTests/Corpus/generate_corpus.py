#!/usr/bin/env python3
"""Writes the validator corpus (JSON lines, ASCII-escaped so invisible characters stay visible in review)."""
import json, os, sys

# Run from anywhere: python3 Tests/ValidationTests/Corpus/generate_corpus.py  (rewrites the .jsonl files beside it)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
ROOT = "/srv/projects"

def gen(*parts):
    return {"generate": [[u, n] for u, n in parts]}

def case(inp, expect, note="", cwd=None, result=None):
    c = {}
    if isinstance(inp, dict):
        c.update(inp)
    else:
        c["input"] = inp
    if cwd is not None:
        c["cwd"] = cwd
    c["expect"] = expect
    if result is not None:
        c["result"] = result
    if note:
        c["note"] = note
    return c

paths = []
def P(code, inputs, note="", cwd=None):
    for i in inputs:
        paths.append(case(i, code, note, cwd))

# --- traversal above the root -------------------------------------------------------------------------------
P("traversal", ["..", "../", "../..", "../../..", "../../../etc/passwd", "../../../../../../../../etc/passwd",
  "../../../../../../../../../../../../../../etc/shadow", "a/../..", "a/../../b", "a/b/../../../c", "./..", "./../x",
  ".././..", "src/../../", "../projects/x", "x/../../projects/x", "..//..//", "..///", "../.ssh/id_rsa",
  "../../root/.ssh/authorized_keys", "src/lib/../../../..", "./././../", "a/./../../", ".../", "...", "....",
  "....//", "....//....//etc/passwd", "..././", ".../...//", "a/.../b", "../ projects", "../%", "../.",
  "../etc/passwd/.", "../..//../..//etc", "/srv/projects/..", "/srv/projects/../projects/a",
  "/srv/projects/a/../../x", "/srv/projects/../../etc/passwd", "/srv/projects/./../x"],
  "climbs above the approved directory (OWASP / Python-bot classics)")
P("traversal", ["../../x", "../.."], "climbs above from a subfolder", cwd="app")
P("traversal", ["../../../x", "../../.."], "climbs above from a nested folder", cwd="a/b")

# --- home expansion ------------------------------------------------------------------------------------------
P("home_expansion", ["~", "~/", "~/.ssh/id_rsa", "~root", "~root/.bashrc", "~+/x", "~-", "a/~/b", "~/../x",
  "./~", "~user/x", "~0", "~nobody", "src/~admin/.ssh", "~/.claude/.credentials.json"], "tilde expansion")

# --- variables and command substitution ------------------------------------------------------------------------
P("variable_expansion", ["$HOME", "$HOME/x", "${HOME}", "${HOME}/.ssh", "$PWD/../x", "a/$USER", "$0", "$$", "$1",
  "${IFS}", "x${IFS}y", "${PATH:0:1}", "$'x'", "~$USER", "$OLDPWD", "${HOME%/*}", "src/$TMPDIR", "$",
  "CONIN$", "a$b"], "shell variables")
P("command_substitution", ["$(whoami)", "$(ls)/x", "`id`", "a`id`b", "$(cat /etc/passwd)", "x/$(rm -rf ~)",
  "$((1+1))", "`", "src/`curl evil.example`", "$( id )", "a$(b)c/d"], "runs a command in a shell")

# --- shell metacharacters -------------------------------------------------------------------------------------
P("shell_metacharacter", ["a;ls", "a; rm -rf /", "a|cat", "a||b", "a&&b", "a&", "a>b", "a<b", ">out", "<in",
  "a*", "*", "?", "src/*.py", "a?b", "..;/", "..;/etc/passwd", "x;/../", ";", "|", "&", "2>&1", "a >> b",
  "<(cat /etc/passwd)", "**/*.env", "file.txt;.png"], "shell control, redirection and wildcards (incl. Tomcat ..;/)")

# --- control and invisible characters --------------------------------------------------------------------------
ctrl = ["a\u0000b", "\u0000", "..\u0000/", "file.txt\u0000.png", "a\nb", "a\rb", "a\tb", "\n", "a\u001bb",
        "a\u007f", "a\u0085b", "a\u2028b", "a\u2029b", "a\u0008b", "a\u0007", "a\u009bb", "a\u001f",
        "\u200b", "a\u200bb", "a\u200cb", "a\u200db", "a\u200eb", "a\u200fb", "a\u061cb", "\ufeffa", "a\u00adb",
        "a\u180eb", "a\u3164b", "a\u2060b", "a\u2061b", "a\u2064b", "a\U000E0041b", "a\u034fb", "..\u200b/..",
        "photo\u202egnp.exe", "src/\u202etxt.exe"]
ctrl += ["a%sb" % chr(c) for c in range(0x202A, 0x202F)]
ctrl += ["a%sb" % chr(c) for c in range(0x2066, 0x206A)]
P("control_character", ctrl, "control, bidi, zero-width or other invisible character")
P("invalid_unicode", ["\ufffd", "a\ufffd.txt", "a\uffff", "\ufdd0", "x\U0001FFFE"], "replacement char or noncharacter")

# --- percent encoding -----------------------------------------------------------------------------------------
P("encoded_traversal", ["%2e%2e%2f", "%2e%2e/", "..%2f", "%2e%2e%5c", "..%5c", "%252e%252e%252f",
  "%252e%252e/", "%25%32%65", "%c0%ae%c0%ae/", "%c0%af", "%e0%80%ae", "%f0%80%80%ae", "%u002e%u002e/",
  "%U002E%U002E%U002F", "..%00/", "%00", "%2F", "%2fetc%2fpasswd", ".%2e/", "%2e./", "..%252f", "%%32%65%%32%65/",
  "%C0%2E", "%c1%9c", "%e2%80%ae", "report%20final.md", "%2E%2E%2F%2E%2E%2Fetc", "..%c0%af..%c0%afetc",
  "%uff0e%uff0e%u2215", "..%u2215", "src/%2e%2e/%2e%2e/x", "%7e/.ssh", "%24HOME"],
  "percent-encoded, double-encoded, overlong and %u encodings")

# --- backslash ---------------------------------------------------------------------------------------------
P("backslash", ["..\\", "..\\..\\windows", "a\\b", "\\\\server\\share", "C:\\Windows\\System32", "..\\/", "\\",
  "a\\ b", ".\\..\\x", "\\..\\..\\etc", "src\\..\\..\\"], "Windows separators and shell escapes")

# --- Unicode look-alikes -----------------------------------------------------------------------------------
look = ["\uff0e\uff0e\uff0f", "\uff0e\uff0e/x", "..\uff0fx", "\u2024\u2024/", "\ufe52\ufe52/", "..\u2215etc",
        "..\u2044etc", "\uff0e\uff0e\u2215", "\u3002\u3002/", "\uff5e/x", "\uff04HOME", "a\uff1bb", "a\u037eb",
        "\u2025/", "x\u2026", "..\ufe68", "..\uff3c", "..\u2216", "..\u29f8", "\ufb01le.txt", "\uff46\uff49\uff4c\uff45",
        "a\u00a0b", "a\u3000b", "a\u2002b", "file\u00b2", "a\u1fefid\u1fef", "\u212aelvin", "COM\u00b9", "..\u0338",
        "\u2e3c\u2e3c/", "\u0701\u0701/", "a\u223cb", "\uff61\uff61/", "..\u29f5", "a\u2571b",
        "\u24d0.txt", "\u2460.md", "\u00bd.md", "\uff08x\uff09", "\ufe69HOME", "\ufe54ls"]
P("lookalike_character", look, "look-alike of . / \\ ~ $ ; or any NFKC-unstable character")

# --- lengths -----------------------------------------------------------------------------------------------
P("name_too_long", [gen(("a", 256)), gen(("a", 300)), gen(("\u00e9", 128)), gen(("\u65e5", 86)),
  gen(("\U0001F680", 64)), gen(("dir/", 1), ("x", 256)), gen(("x", 1000)), gen(("a", 252), (".txt", 1)),
  gen(("src/", 1), ("\u0416", 128), ("/x", 1))], "component over 255 UTF-8 bytes")
P("path_too_long", [gen(("a/", 2049)), gen(("a", 4097)), gen(("x" * 200 + "/", 21)), gen(("../", 1400)),
  gen(("\u00e9/", 1366)), gen(("/srv/projects/", 1), ("ab/", 1400))], "over 4096 bytes")
P("path_too_long", [gen(("e" * 250 + "/", 2))], "fits alone but not below a deep folder",
  cwd="/".join(["d" * 200] * 19))

P("empty", ["", " ", "   "], "nothing given")

P("absolute_outside", ["/", "/etc", "/etc/passwd", "/root/.ssh/id_rsa", "/srv", "/srv/", "/srv/projects-evil",
  "/srv/projects-evil/x", "/srv/projectsx", "/srv/project", "/SRV/projects/a", "/srv/Projects/a", "/tmp/x",
  "/proc/self/environ", "/proc/self/cwd/x", "/dev/null", "/var/run/docker.sock", "//etc", "/../etc",
  "/../../etc/passwd", "/./etc", "/srv/projectsx/../projects/a", "/home/user/.claude/credentials.json",
  "/srv/cafe/x"], "absolute path outside the root, including prefix tricks")

P("leading_dash", ["-rf", "--help", "a/-x", "-", "--", "-n/x", "--output=/etc/passwd"], "read as an option")
P("trailing_dot_or_space", ["file.txt.", "file.txt ", "dir./x", "dir /x", "a..", "x. ", "file.txt. . .",
  "src/main.swift.", " a "], "Windows drops trailing dots and spaces")
P("reserved_name", ["CON", "con", "con.txt", "PRN", "AUX", "NUL", "nul.md", "COM1", "com9.txt", "LPT1", "lpt9",
  "a/CON/b", "CON .txt", "Aux.json", "COM0", "lpt3.tar.gz", "src/prn"], "Windows device names")
P("alternate_data_stream", ["file.txt::$DATA", "file.txt:$DATA", "x::$INDEX_ALLOCATION", "dir::$I30/x"],
  "NTFS alternate data streams")

for cwd, inp in [("../x", "a"), ("~", "a"), ("a/../..", "b"), ("$HOME", "x"), ("/etc", "x"), ("a\u0000b", "c"),
                 ("%2e%2e", "x")]:
    paths.append(case(inp, "current_directory_invalid", "the session's current folder is itself invalid", cwd))

# --- good paths --------------------------------------------------------------------------------------------
def G(inp, result, cwd=None, note=""):
    paths.append(case(inp, "ok", note, cwd, result))

for inp, res in [(".", ""), ("./", ""), ("src", "src"), ("src/", "src"), ("./src", "src"),
                 ("src/main.swift", "src/main.swift"), ("a/b/../c", "a/c"), ("a/..", ""), ("a/b/../../c", "c"),
                 ("src//lib", "src/lib"), ("/srv/projects", ""), ("/srv/projects/", ""),
                 ("/srv/projects/app", "app"), ("//srv/projects/app", "app"), ("/srv/projects/app/../lib", "lib"),
                 ("my project/notes.md", "my project/notes.md"), ("r\u00e9sum\u00e9.md", "r\u00e9sum\u00e9.md"),
                 ("\u65e5\u672c\u8a9e.txt", "\u65e5\u672c\u8a9e.txt"),
                 ("\u0414\u043e\u043a\u0443\u043c\u0435\u043d\u0442\u044b/\u043f\u043b\u0430\u043d.md",
                  "\u0414\u043e\u043a\u0443\u043c\u0435\u043d\u0442\u044b/\u043f\u043b\u0430\u043d.md"),
                 ("\u05e9\u05dc\u05d5\u05dd.txt", "\u05e9\u05dc\u05d5\u05dd.txt"),
                 ("\u0645\u0631\u062d\u0628\u0627.md", "\u0645\u0631\u062d\u0628\u0627.md"),
                 ("\U0001F680 launch.md", "\U0001F680 launch.md"), ("\u2764\ufe0f.md", "\u2764\ufe0f.md"),
                 ("notes.md~", "notes.md~"), ("a-b_c.d", "a-b_c.d"), ("v1.2.3", "v1.2.3"),
                 ("file.tar.gz", "file.tar.gz"), (".github/workflows/ci.yml", ".github/workflows/ci.yml"),
                 (".gitignore", ".gitignore"), ("100%.txt", "100%.txt"), ("50% off.md", "50% off.md"),
                 ("a%zz.txt", "a%zz.txt"), ("%", "%"), ("a+b=c.txt", "a+b=c.txt"),
                 ("(draft) notes.md", "(draft) notes.md"), ("[wip] plan.md", "[wip] plan.md"),
                 ("{draft}.md", "{draft}.md"), ("it's.md", "it's.md"), ("\"quoted\".md", "\"quoted\".md"),
                 ("a,b.csv", "a,b.csv"), ("x@y.md", "x@y.md"), ("#1 issue.md", "#1 issue.md"),
                 ("a!b.md", "a!b.md"), ("CONSOLE.md", "CONSOLE.md"), ("con-notes.md", "con-notes.md"),
                 ("COM10.txt", "COM10.txt"), ("nullable.swift", "nullable.swift"), ("auxiliary/x", "auxiliary/x"),
                 ("a..b", "a..b"), ("..a", "..a"), ("..hidden", "..hidden"), (".a", ".a"),
                 ("a/./b/./c", "a/b/c"), ("\u03a9mega.txt", "\u03a9mega.txt"),
                 ("e\u0301te\u0301.md", "e\u0301te\u0301.md"), ("10:30 notes.md", "10:30 notes.md"),
                 ("Stra\u00dfe.md", "Stra\u00dfe.md"), ("\u0130stanbul.txt", "\u0130stanbul.txt"),
                 ("\ud55c\uad6d\uc5b4.md", "\ud55c\uad6d\uc5b4.md"),
                 ("\u4e2d\u6587 \u6587\u6863/\u8bf4\u660e.md", "\u4e2d\u6587 \u6587\u6863/\u8bf4\u660e.md"),
                 ("\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac.txt", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac.txt"),
                 ("\u0939\u093f\u0928\u094d\u0926\u0940.md", "\u0939\u093f\u0928\u094d\u0926\u0940.md"),
                 ("\u0e44\u0e17\u0e22.txt", "\u0e44\u0e17\u0e22.txt"), ("a~b", "a~b"), ("x/y/z/../../w", "x/w"),
                 (" leading space.md", " leading space.md"), ("Sources/Guard/Validation/PathValidator.swift",
                  "Sources/Guard/Validation/PathValidator.swift"), ("node_modules/.bin", "node_modules/.bin")]:
    G(inp, res)
G({"generate": [["x", 255]]}, "x" * 255, note="255 bytes is the limit")
G({"generate": [["\u00e9", 127]]}, "\u00e9" * 127, note="254 bytes")
G({"generate": [["abcdefghi/", 300]]}, "/".join(["abcdefghi"] * 300), note="3000 bytes")
for cwd, inp, res in [("app", "src", "app/src"), ("app", "..", ""), ("app/src", "../lib", "app/lib"),
                      ("app", "/srv/projects/x", "x"), ("app", ".", "app"), ("a/b", "../../c", "c"),
                      ("a/b", "../b/./c", "a/b/c"), ("/srv/projects/app", "x", "app/x")]:
    G(inp, res, cwd=cwd)

# --- upload names ------------------------------------------------------------------------------------------
names = []
def N(code, inputs, note=""):
    for i in inputs:
        names.append(case(i, code, note))

N("empty", ["", " "])
N("name_too_long", [gen(("a", 252), (".txt", 1)), gen(("\u00e9", 130), (".md", 1)), gen(("\U0001F680", 64), (".md", 1))])
N("path_separator", ["../x.txt", "a/b.txt", "/etc/passwd", "..//x", "./x.txt", "dir/", "/", "../../.ssh/authorized_keys"])
N("traversal", [".", "..", "...", "...."])
N("backslash", ["..\\x.txt", "a\\b.txt", "C:\\x.txt", "..\\..\\boot.ini"])
N("control_character", ["a\u0000.txt", "photo\u202egnp.exe", "\u202etxt.exe", "a\nb.txt", "file\u200b.txt",
  "x\u2066.md", "invoice\u202efdp.scr", "a\u0085.md", "report\u200f.txt", "\u05e9\u202e.txt"], "incl. RTL overrides")
N("encoded_traversal", ["%2e%2e%2fx.txt", "..%2fpasswd", "a%00.txt", "%c0%ae.txt", "report%20final.md", "%2eenv"])
N("lookalike_character", ["\uff0eenv", "file\uff0etxt", "x\u2215y.txt", "\uff49\uff44_rsa", "a\u2024exe", "\ufb01le.md"])
N("shell_metacharacter", ["a;b.txt", "a|b.txt", "Q&A.md", "a>b.txt", "*.txt", "what?.md"])
N("command_substitution", ["$(id).txt", "`id`.txt"])
N("variable_expansion", ["$HOME.txt", "${x}.md"])
N("home_expansion", ["~", "~root.txt", "~x.md"])
N("leading_dash", ["-rf.txt", "--help.md"])
N("trailing_dot_or_space", ["file.txt.", "file.txt ", "file.txt. ", "run.exe."])
N("reserved_name", ["CON.txt", "nul.md", "com1.py", "LPT1.txt", "aux.json", "PRN"])
N("alternate_data_stream", ["file.txt::$DATA", "a.txt:$DATA"])
N("secret_file", [".env", ".env.local", ".env.production", ".envrc", "id_rsa", "id_rsa.pub", "id_ed25519",
  "id_ecdsa", "id_dsa", "server.pem", "private.key", "cert.p12", "cert.pfx", ".netrc", "credentials",
  "credentials.json", "ID_RSA", "Server.PEM", ".git-credentials", ".pgpass", ".npmrc", "putty.ppk", "keystore.jks",
  "passwords.kdbx", "authorized_keys", ".htpasswd", "CREDENTIALS.yml", "_netrc", "release.keystore", ".env.example"])
N("hidden_file", [".bashrc", ".profile", ".ssh", ".gitconfig", ".DS_Store", ".hidden.txt", ".gitattributes",
  ".bash_history", ".zshrc", ".viminfo", ".config", "..hidden.txt"])
N("executable_file", ["a.exe", "a.dll", "a.so", "libssl.so.3", "libc.so.6", "a.dylib", "a.bin", "a.elf", "a.app",
  "a.msi", "a.deb", "a.rpm", "a.apk", "a.bat", "a.cmd", "a.com", "a.scr", "a.ps1", "invoice.pdf.exe",
  "photo.jpg.scr", "a.EXE", "a.Exe", "a.vbs", "a.jar", "a.class", "a.lnk", "a.reg", "a.hta", "a.ipa", "a.dmg",
  "a.pkg", "a.AppImage", "a.o", "a.ko", "a.pif", "a.wsf", "a.cpl", "a.msix", "setup.exe", "notes.txt.bat",
  "\u05e9\u05dc\u05d5\u05dd.exe", "example.com"])
N("extension_not_allowed", ["a.gz", "notes.txt.gz", "a.7z", "a.rar", "a.docx", "a.xlsx", "a.pptx",
  "a.iso", "a.img", "a.xyz", "Makefile2", "noext", "a.bmp", "a.tiff", "a.heic", "a.mp4", "a.mp3", "a.wav",
  "a.svgz", "a.php5", "a.phtml", "a.jsp", "a.asp", "a.aspx", "a.cgi", "a.db", "a.sqlite", "a.pyc", "a.swp",
  "a.bak", "notes.md~", "makefile", gen(("a.", 1), ("x", 200))])

for good in ["notes.md", "r\u00e9sum\u00e9.md", "\u65e5\u672c\u8a9e.txt", "my file.txt", "main.swift", "App.tsx",
             "script.sh", "Makefile", "Dockerfile", ".gitignore", ".gitkeep", "image.PNG", "photo.jpeg", "doc.pdf",
             "data.csv", "config.yaml", "config.yml", "Cargo.toml", "package.json", "schema.sql", "index.html",
             "style.css", "lib.rs", "main.go", "App.java", "Main.kt", "x.c", "x.h", "x.cpp", "x.rb", "x.php",
             "x.ts", "x.js", "x.py", "query.graphql", "a.b.c.txt", "v1.2.3.md", "100%.txt", "CONSOLE.md",
             "con-notes.md", "com10.txt", "Cargo.lock", "patch.diff", "\U0001F680 launch.md",
             "\u05e9\u05dc\u05d5\u05dd.txt", "\u0414\u043e\u043a\u0443\u043c\u0435\u043d\u0442.md", "a..b.txt",
             "e\u0301.md", "env.md", "keys.md", "monkey.txt", "photo.gif", "sticker.webp", "README", "LICENSE",
             "(1) draft.md", "notes [old].txt", "backup~1.txt", "it's.py", "10:30 standup.md", "c++.md",
             # Archives the executor unpacks (entry by entry, all or nothing).
             "a.zip", "a.tar", "a.tar.gz", "a.tgz", "Project.TAR.GZ", "a.pdf.zip"]:
    names.append(case(good, "ok", result=good))
names.append(case(gen(("x", 251), (".txt", 1)), "ok", "255 bytes", result="x" * 251 + ".txt"))

# --- uploads with content ----------------------------------------------------------------------------------
PNG = "89504e470d0a1a0a0000000d49484452"
JPEG = "ffd8ffe000104a464946"
GIF = "474946383961010001"
WEBP = "52494646240000005745425056503820"
PDF = "255044462d312e370a"
ELF = "7f454c46020101000000000000000000"
MZ = "4d5a90000300000004000000ffff0000" + "00" * 48
MACHO = "cffaedfe0c000001"
ZIP = "504b0304140000000800"
GZIP = "1f8b0800000000000003"
TAR = "61" + "00" * 256 + "7573746172003030"  # "ustar\0" at offset 257
def h(s):
    return s.encode("utf-8").hex()
uploads = []
def U(name, expect, head, size=None, mime=None, note=""):
    c = {"name": name, "mime": mime, "size": size if size is not None else len(head) // 2, "headHex": head,
         "expect": expect}
    if note:
        c["note"] = note
    uploads.append(c)

MB = 1024 * 1024
U("a.png", "content_mismatch", JPEG, note="JPEG named .png")
U("a.png", "content_mismatch", h("hello"), note="text named .png")
U("a.png", "executable_file", ELF, note="ELF named .png")
U("a.jpg", "content_mismatch", PNG)
U("a.gif", "content_mismatch", h("GIF88a"))
U("a.webp", "content_mismatch", h("RIFF") + "24000000" + h("WAVE"))
U("a.pdf", "content_mismatch", h("PDF-1.4"))
U("a.pdf", "content_mismatch", h("%PDF"))
U("a.png", "content_mismatch", "", size=0, note="empty image")
U("a.txt", "binary_content", h("abc") + "00" + h("def"))
U("a.txt", "binary_content", "ff" + h("abc"))
U("a.txt", "binary_content", "c0ae", note="overlong dot")
U("a.py", "binary_content", "eda080", note="UTF-16 surrogate in UTF-8")
U("a.md", "binary_content", "fffe230000", note="UTF-16LE")
U("a.txt", "binary_content", h("ok") + "e282", note="complete file cut mid-character")
U("a.txt", "binary_content", h("x") + "f4908080", note="above U+10FFFF")
U("a.txt", "executable_file", ELF)
U("a.txt", "executable_file", MZ)
U("a.txt", "executable_file", "4d5a9000", size=4096, note="short head starting MZ")
U("a.md", "executable_file", MACHO)
U("a.json", "executable_file", "cafebabe00000034")
U("a.txt", "executable_file", "0061736d01000000", note="WebAssembly")
U("a.txt", "executable_file", h("#!/bin/sh\nrm -rf /\n"), note="shebang in a non-script")
U("a.md", "executable_file", h("#!/usr/bin/env python\n"))
U("a.pdf", "executable_file", ELF)
U("a.pdf", "executable_file", MZ)
U("a.jpg", "executable_file", "feedface00000000")
U("a.txt", "too_large", h("x"), size=30 * MB)
U("a.txt", "too_large", h("x"), size=20 * MB + 1)
U("a.txt", "too_large", h("x"), size=2**63 - 1, note="absurd size")
U("a.txt", "invalid_size", h("x"), size=-1)
U("a.txt", "invalid_size", h("hello"), size=2)
U("a.txt", "executable_file", h("hi"), mime="application/x-msdownload")
U("a.png", "content_mismatch", PNG, mime="application/pdf")
U("a.jpg", "executable_file", JPEG, mime="application/x-executable")
U("a.txt", "content_mismatch", h("hi"), mime="image/png")
U("a.py", "content_mismatch", h("print(1)"), mime="IMAGE/JPEG; q=1")
U("a.exe", "executable_file", MZ)
U(".env", "secret_file", h("TOKEN=x"))
U("a.zip", "ok", ZIP, size=100)
U("a.zip", "ok", "504b0506" + "00" * 18, note="empty zip: only the end record")
U("a.tar.gz", "ok", GZIP, size=100)
U("a.tgz", "ok", GZIP, size=100, mime="application/gzip")
U("a.tar", "ok", TAR, size=1024)
U("a.zip", "content_mismatch", h("not a zip at all"), note="text named .zip")
U("a.tar.gz", "content_mismatch", ZIP, note="zip named .tar.gz")
U("a.tar", "content_mismatch", GZIP, note="gzip named .tar")
U("a.zip", "executable_file", ELF, note="a program named .zip")
U("a.zip", "content_mismatch", ZIP, size=100, mime="application/gzip", note="client says gzip")
U("../a.txt", "path_separator", h("x"))

U("a.png", "ok", PNG)
U("a.PNG", "ok", PNG)
U("a.jpg", "ok", JPEG)
U("a.jpeg", "ok", JPEG, mime="image/jpeg")
U("a.gif", "ok", GIF)
U("a.webp", "ok", WEBP, mime="image/webp")
U("a.pdf", "ok", PDF, mime="application/pdf")
U("a.txt", "ok", h("hello\n"))
U("r\u00e9sum\u00e9.md", "ok", h("# R\u00e9sum\u00e9\n"))
U("\u65e5\u672c\u8a9e.txt", "ok", h("\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8"))
U("a.sh", "ok", h("#!/bin/sh\necho hi\n"))
U("a.py", "ok", h("#!/usr/bin/env python3\nprint('hi')\n"))
U("a.txt", "ok", h("ok") + "e282", size=10000, note="head cut mid-character, more follows")
U("MZ notes.txt", "ok", h("MZ is a fine start for prose " * 4), note="text that starts with MZ")
U("a.md", "ok", "efbbbf" + h("# title"), note="UTF-8 BOM")
U(".gitignore", "ok", h("node_modules\n"))
U("Makefile", "ok", h("all:\n\tswift build\n"))
U("a.txt", "ok", "", size=0, note="empty file")
U("a.json", "ok", h("{}"), mime="application/json")
U("a.py", "ok", h("x = 1"), mime="text/x-python")
U("a.txt", "ok", h("x"), mime="application/octet-stream")
U("a.png", "ok", PNG, mime="image/png")
U("a.txt", "ok", h("x"), size=20 * MB, note="exactly the limit")
U("log.txt", "ok", h("\u001b[31mred\u001b[0m\ttab\r\n"), note="ANSI escapes and tabs are text")

os.makedirs(OUT, exist_ok=True)
for fname, rows in [("paths.jsonl", paths), ("names.jsonl", names), ("uploads.jsonl", uploads)]:
    with open(os.path.join(OUT, fname), "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=True) + "\n")

bad = sum(1 for r in paths + names + uploads if r["expect"] != "ok")
good = sum(1 for r in paths + names + uploads if r["expect"] == "ok")
print(f"paths={len(paths)} names={len(names)} uploads={len(uploads)} bad={bad} good={good}")
