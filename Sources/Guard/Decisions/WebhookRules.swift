import Foundation

/// Which webhook events start which prompts (`WEBHOOK_RULES_FILE`, JSON, read once at start like `POLICY_FILE`).
/// A rule runs as its owner: their standing, rate and cost limits, their workspace root; its answer goes to its chat.
///
///     {"rules": [{"name": "push-summary", "hook": "github", "events": ["push"], "owner": 123456789,
///                 "chat": 123456789, "directory": "shop",
///                 "prompt": "Summarise the push to {{repository.full_name}}: {{commits}}"}]}
public struct WebhookRules: Sendable, Codable, Equatable {
    public struct Rule: Sendable, Codable, Equatable {
        public var name: String
        /// `github`, or the name in `POST /webhooks/<name>`.
        public var hook: String
        /// GitHub event names (`X-GitHub-Event`); absent or empty: any.
        public var events: [String]?
        /// Values of the payload's `action` (`opened`, `closed`, …); absent or empty: any.
        public var actions: [String]?
        /// The Telegram user the run belongs to.
        public var owner: Int64
        /// Where the answer goes, and the forum topic in it; absent: `chats`, else `NOTIFICATION_CHAT_IDS`.
        public var chat: Int64?
        public var topic: Int64?
        /// More chats for the answer: the first is where the run's questions are asked, the others get a copy.
        public var chats: [Int64]?
        /// Relative to the owner's root; absent: the root.
        public var directory: String?
        /// The prompt; `{{field.path}}` takes a value from the event, quoted as data.
        public var prompt: String
        public var model: String?
        public var maxBudgetUSD: Double?
        /// What happens when a tool call would need asking: `chat` (asked in the rule's chat, as usual; the default)
        /// or `deny`.
        public var questions: Questions?

        public enum Questions: String, Sendable, Codable {
            case chat, deny
        }

        /// The chats the answer goes to, the first being where the run happens.
        public func targets(defaults: [Int64]) -> [Int64] {
            var all = (chat.map { [$0] } ?? []) + (chats ?? [])
            if all.isEmpty { all = defaults }
            var seen = Set<Int64>()
            return all.filter { seen.insert($0).inserted }
        }

        public init(name: String, hook: String, owner: Int64, chat: Int64?, prompt: String) {
            self.name = name
            self.hook = hook
            self.owner = owner
            self.chat = chat
            self.prompt = prompt
        }

        func matches(hook: String, event: String?, action: String?) -> Bool {
            guard self.hook == hook else { return false }
            if let events, !events.isEmpty, !events.contains(event ?? "") { return false }
            if let actions, !actions.isEmpty, !actions.contains(action ?? "") { return false }
            return true
        }
    }

    public var rules: [Rule]
    /// Where a rule without `chat` or `chats` posts (`NOTIFICATION_CHAT_IDS`); not part of the file.
    public var defaultChats: [Int64] = []

    enum CodingKeys: String, CodingKey {
        case rules
    }

    public init(rules: [Rule] = [], defaultChats: [Int64] = []) {
        self.rules = rules
        self.defaultChats = defaultChats
    }

    /// The hooks some rule names: a delivery to any other is refused as unknown.
    public var hooks: Set<String> { Set(rules.map(\.hook)) }

    public func matching(hook: String, event: String?, action: String?) -> [Rule] {
        rules.filter { $0.matches(hook: hook, event: event, action: action) }
    }

    public struct FileError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String, defaultChats: [Int64] = []) throws(FileError) -> WebhookRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(description: "cannot read \(path.debugDescription)")
        }
        var file: WebhookRules
        do {
            file = try JSONDecoder().decode(WebhookRules.self, from: data)
            file.defaultChats = defaultChats
        } catch {
            throw FileError(description: "\(path.debugDescription) is not a valid rules file: \(error)")
        }
        try file.validate(path: path)
        return file
    }

    func validate(path: String) throws(FileError) {
        var names = Set<String>()
        let hookCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
        for rule in rules {
            let where_ = "\(path.debugDescription), rule \(rule.name.debugDescription)"
            guard !rule.name.isEmpty, names.insert(rule.name).inserted else {
                throw FileError(description: "\(where_): every rule needs a name of its own")
            }
            guard !rule.hook.isEmpty, rule.hook.allSatisfy(hookCharacters.contains) else {
                throw FileError(description: "\(where_): hook must be lowercase letters, digits, - or _ (it is the URL path /webhooks/<hook>)")
            }
            guard !rule.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw FileError(description: "\(where_): prompt is empty")
            }
            guard rule.owner > 0 else { throw FileError(description: "\(where_): owner must be a Telegram user id") }
            guard !rule.targets(defaults: defaultChats).isEmpty else {
                throw FileError(description: "\(where_): no chat to post to (give chat or chats, or set NOTIFICATION_CHAT_IDS)")
            }
            if let directory = rule.directory,
                directory.hasPrefix("/") || directory.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
            {
                throw FileError(description: "\(where_): directory must be relative to the owner's root, without . or ..")
            }
            if let budget = rule.maxBudgetUSD, !(budget > 0) {
                throw FileError(description: "\(where_): maxBudgetUSD must be above 0")
            }
        }
    }
}
