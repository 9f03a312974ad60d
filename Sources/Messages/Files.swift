import Foundation

/// A question about the files in `APPROVED_DIRECTORY` that only an executor can answer, because only it sees the
/// disk: list a directory (`/ls`, `/projects`), check one (`/cd`), read a file (`/get`), or render a session's
/// transcript (`/export`), show the project's git state (`/git`) or the facts its quick actions are chosen from
/// (`/actions`). Paths are relative to the approved directory and were checked lexically by the guard;
/// the executor checks them again physically (real path after symlinks must stay inside) before touching anything.
public struct FileRequest: WireMessage, Equatable {
    public static let type = MessageType.fileRequest

    public enum Operation: String, Codable, Sendable {
        /// The entries of the directory `path`.
        case list
        /// Whether `path` exists and is a directory.
        case stat
        /// The bytes of the file `path`, at most `maxBytes`.
        case read
        /// The transcript of Claude session `sessionId` run in the directory `path`, as Markdown (or JSON, see
        /// `transcriptFormat`).
        case transcript
        /// The git view `gitView` of the project directory `path`, as text (git run inert, read-only).
        case git
        /// What `path` is as a project (`ProjectFacts`): git, pending changes, a test command.
        case project
    }

    /// How a transcript comes back: Markdown (the default) or JSON (`TranscriptExport`, its entries in order).
    public enum TranscriptFormat: String, Codable, Sendable {
        case markdown, json
    }

    public var requestId: String
    public var operation: Operation
    public var path: String
    public var sessionId: String?
    public var maxBytes: Int?
    /// For `transcript`; absent means Markdown (older executors answer Markdown whatever is asked).
    public var transcriptFormat: TranscriptFormat?
    /// For `git`: which view.
    public var gitView: GitView?
    /// For `git` and `project`: the person's root (relative to the approved directory); the repository must lie
    /// inside it.
    public var root: String?

    public init(requestId: String, operation: Operation, path: String, sessionId: String? = nil, maxBytes: Int? = nil) {
        self.requestId = requestId
        self.operation = operation
        self.path = path
        self.sessionId = sessionId
        self.maxBytes = maxBytes
    }
}

/// The executor's answer to a `FileRequest`.
public struct FileResult: WireMessage, Equatable {
    public static let type = MessageType.fileResult

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var isDirectory: Bool
        /// A directory holding a `.git`.
        public var isGitRepository: Bool
        public var size: Int64?

        public init(name: String, isDirectory: Bool, isGitRepository: Bool = false, size: Int64? = nil) {
            self.name = name
            self.isDirectory = isDirectory
            self.isGitRepository = isGitRepository
            self.size = size
        }
    }

    public var requestId: String
    /// nil when it worked; otherwise a stable code (`not_found`, `not_a_directory`, `is_a_directory`, `outside`,
    /// `too_large`, `unreadable`, `no_transcript`) and `message` for the person.
    public var error: String?
    public var message: String?
    public var entries: [Entry]?
    /// `stat`: the path exists and is a directory.
    public var isDirectory: Bool?
    /// `read`: the file's bytes; `transcript`: the Markdown, UTF-8; `git`: git's output, UTF-8.
    public var data: Data?
    /// `project`: what the directory is as a project.
    public var project: ProjectFacts?

    public init(
        requestId: String, error: String? = nil, message: String? = nil, entries: [Entry]? = nil,
        isDirectory: Bool? = nil, data: Data? = nil
    ) {
        self.requestId = requestId
        self.error = error
        self.message = message
        self.entries = entries
        self.isDirectory = isDirectory
        self.data = data
    }
}

/// A file to save into the job's workspace before Claude starts (an upload the guard checked).
public struct JobFile: Codable, Sendable, Equatable {
    /// The name the guard validated; the executor adds a number instead of overwriting an existing file.
    public var name: String
    public var data: Data
    /// An image: the prompt tells Claude to look at it.
    public var isImage: Bool

    public init(name: String, data: Data, isImage: Bool) {
        self.name = name
        self.data = data
        self.isImage = isImage
    }
}

/// A session's transcript as data (`/export json`): what was said, in order, secrets redacted.
public struct TranscriptExport: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// `person` or `claude`.
        public var role: String
        /// `text`, `tool` (a tool call: its name and what it worked on), `failure` (a failed tool's first line) or
        /// `image`.
        public var kind: String
        public var text: String

        public init(role: String, kind: String, text: String) {
            self.role = role
            self.kind = kind
            self.text = text
        }
    }

    public var sessionId: String
    public var directory: String
    public var startedAt: String?
    public var title: String
    public var entries: [Entry]
    /// Entries left out: oversized lines in the transcript, or the oldest ones when the export would be too big.
    public var omittedEntries: Int

    public init(sessionId: String, directory: String, startedAt: String?, title: String, entries: [Entry], omittedEntries: Int) {
        self.sessionId = sessionId
        self.directory = directory
        self.startedAt = startedAt
        self.title = title
        self.entries = entries
        self.omittedEntries = omittedEntries
    }
}
