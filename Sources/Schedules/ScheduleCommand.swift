import Foundation

/// `/schedule …` in words: what the person asked for, parsed without touching anything.
///
///     /schedule add <cron: 5 fields, or @daily etc.> [tz=Europe/Berlin] [missed=run|skip] [chat=<id>] <prompt>
///     /schedule list
///     /schedule pause|resume|remove <id>
public enum ScheduleCommand: Sendable, Equatable {
    case list
    case add(ScheduleRequest)
    case pause(String)
    case resume(String)
    case remove(String)

    public static let usage = """
        Usage:
        /schedule add <when> [tz=Area/City] [missed=run|skip] <prompt>
          <when>: 5 cron fields (minute hour day month weekday), or @hourly, @daily, @weekly, @monthly, @yearly
          example: /schedule add 0 9 * * 1-5 tz=Europe/Berlin Check the open pull requests and summarise them
        /schedule list
        /schedule pause <id>, /schedule resume <id>, /schedule remove <id>
        """

    /// - Parameter text: what follows `/schedule`.
    public static func parse(_ text: String, defaultTimeZone: TimeZone) -> Result<ScheduleCommand, ScheduleCommandError> {
        var rest = Substring(text)
        guard let verb = takeWord(&rest)?.lowercased() else { return .success(.list) }
        switch verb {
        case "list", "ls":
            return .success(.list)
        case "pause", "resume", "remove", "rm", "delete":
            guard let id = takeWord(&rest), takeWord(&rest) == nil else {
                return .failure(ScheduleCommandError("/schedule \(verb) takes one schedule id (see /schedule list)"))
            }
            switch verb {
            case "pause": return .success(.pause(id))
            case "resume": return .success(.resume(id))
            default: return .success(.remove(id))
            }
        case "add":
            return ScheduleRequest.parse(rest, defaultTimeZone: defaultTimeZone).map(ScheduleCommand.add)
        default:
            return .failure(ScheduleCommandError("unknown /schedule action \"\(verb)\""))
        }
    }

    /// Removes and returns the first whitespace-separated word; the rest keeps its own spacing and line breaks.
    static func takeWord(_ text: inout Substring) -> String? {
        let trimmed = text.drop(while: \.isWhitespace)
        guard !trimmed.isEmpty else {
            text = trimmed
            return nil
        }
        let end = trimmed.firstIndex(where: \.isWhitespace) ?? trimmed.endIndex
        text = trimmed[end...]
        return String(trimmed[..<end])
    }
}

/// A new schedule as asked for.
public struct ScheduleRequest: Sendable, Equatable {
    public var expression: CronExpression
    public var timeZone: TimeZone
    public var missed: MissedRunPolicy
    /// Another chat than the one asked in (admins only; the guard checks).
    public var chatId: Int64?
    public var prompt: String

    public init(expression: CronExpression, timeZone: TimeZone, missed: MissedRunPolicy, chatId: Int64?, prompt: String) {
        self.expression = expression
        self.timeZone = timeZone
        self.missed = missed
        self.chatId = chatId
        self.prompt = prompt
    }

    /// The longest prompt a schedule keeps (the same bound as a typed prompt's).
    public static let maxPromptLength = 16_384

    static func parse(_ text: Substring, defaultTimeZone: TimeZone) -> Result<ScheduleRequest, ScheduleCommandError> {
        var rest = text
        guard let first = ScheduleCommand.takeWord(&rest) else {
            return .failure(ScheduleCommandError("/schedule add needs a time and a prompt"))
        }
        var fields = [first]
        if !first.hasPrefix("@") {
            for _ in 0..<4 {
                guard let field = ScheduleCommand.takeWord(&rest) else {
                    return .failure(ScheduleCommandError("a cron time has 5 fields (minute hour day month weekday)"))
                }
                fields.append(field)
            }
        }
        let expression: CronExpression
        do {
            expression = try CronExpression(fields.joined(separator: " "))
        } catch {
            return .failure(ScheduleCommandError(error.description))
        }
        var request = ScheduleRequest(expression: expression, timeZone: defaultTimeZone, missed: .run, chatId: nil, prompt: "")
        // Options come before the prompt; the first word that is not one starts it.
        while true {
            var lookahead = rest
            guard let word = ScheduleCommand.takeWord(&lookahead), let equals = word.firstIndex(of: "=") else { break }
            let key = word[..<equals].lowercased()
            let value = String(word[word.index(after: equals)...])
            switch key {
            case "tz":
                guard let zone = TimeZone(identifier: value) else {
                    return .failure(ScheduleCommandError("unknown time zone \"\(value)\" (use a name such as Europe/Berlin or UTC)"))
                }
                request.timeZone = zone
            case "missed":
                guard let policy = MissedRunPolicy(rawValue: value.lowercased()) else {
                    return .failure(ScheduleCommandError("missed= takes run or skip"))
                }
                request.missed = policy
            case "chat":
                guard let chat = Int64(value) else { return .failure(ScheduleCommandError("chat= takes a chat id")) }
                request.chatId = chat
            default:
                break
            }
            guard ["tz", "missed", "chat"].contains(key) else { break }
            rest = lookahead
        }
        request.prompt = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !request.prompt.isEmpty else { return .failure(ScheduleCommandError("/schedule add needs a prompt after the time")) }
        guard request.prompt.count <= ScheduleRequest.maxPromptLength else {
            return .failure(ScheduleCommandError("the prompt is over \(ScheduleRequest.maxPromptLength) characters"))
        }
        return .success(request)
    }
}

/// Why a `/schedule` command was not understood.
public struct ScheduleCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
