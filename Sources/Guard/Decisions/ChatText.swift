import Foundation
import Ledger
import Messages
import Validation

/// The wording of the chat surface commands.
public enum ChatText {
    static func pwd(_ directory: String) -> String { "You are in \(directory)" }
    static func changedDirectory(_ directory: String) -> String { "Now in \(directory). Your next message continues this directory's session." }
    static func freshSession(_ directory: String) -> String { "Fresh start: your next message begins a new Claude session in \(directory)." }
    static func continuing(_ directory: String, since ms: Int64) -> String {
        "Your next message continues the session in \(directory) (last used \(age(ms)) ago)."
    }
    static func noSessionYet(_ directory: String) -> String { "No Claude session in \(directory) yet; your next message starts one." }
    static let noSessions = "You have no sessions yet. Send a message to start one."
    static let pickSession = "Your recent sessions (directory · last used · how it began · cost):"
    static func resumed(_ directory: String) -> String { "Resumed. You are in \(directory); your next message continues that session." }
    static let resumedShort = "Resumed."
    static func pickModel(_ current: String) -> String { "Current model: \(current). Pick one:" }
    static func modelFixed(_ current: String) -> String { "The model is \(current); no others are offered here (CLAUDE_ALLOWED_MODELS)." }
    static func modelNotAllowed(_ name: String, _ allowed: [String]) -> String {
        "\(String(name.prefix(60))) is not offered. Choose one of: \(allowed.joined(separator: ", "))."
    }
    static func modelSet(_ name: String) -> String { "Model set to \(name) for your next requests." }
    static let bindOnlyInTopics = "/bind works in a forum topic of a group: it makes that topic work in one directory."
    static func bound(_ directory: String) -> String { "This topic now works in \(directory), with its own session." }
    static func pathRefused(_ reason: String) -> String { "That path was refused: \(reason)." }
    static let noExecutor = "No machine is available to look at the files right now; try again in a moment."
    static let executorSilent = "The machine did not answer in time; try again."
    static func fileProblem(_ message: String?) -> String { message ?? "That did not work." }
    static func listing(_ directory: String, _ entries: [String], more: String?) -> String {
        var text = entries.isEmpty ? "\(directory) is empty." : "\(directory):\n" + entries.joined(separator: "\n")
        if let more { text += "\n" + more }
        return text
    }
    static func projects(_ entries: [String]) -> String {
        entries.isEmpty ? "No projects yet: create a directory (ask Claude, or send a file)." : "Projects (git repositories marked ●):\n"
            + entries.joined(separator: "\n")
    }
    static let gitWhileWorking = "Claude is working in this project right now; ask /git again once it has answered (git reads the project's configuration, which a running job may be changing)."
    static func noQuickActions(_ directory: String) -> String {
        "No quick actions in \(directory): it is not a git repository and no test command was found."
    }
    static func quickActions(_ directory: String) -> String { "Quick actions for \(directory):" }
    static let noTranscript = "That session's transcript is not on any machine that is connected."

    // Uploads and voice
    static let voiceOff = "Voice notes are not enabled on this bot; please type your message."
    static let transcriptionFailed = "I could not transcribe that voice note; please try again or type it."
    static func heard(_ transcript: String) -> String { "🎙 I heard: “\(transcript)”" }
    static func uploadRefused(_ name: String, _ reason: String) -> String { "I did not take \(name): \(reason)." }
    static let unsupportedMedia = "I can take documents, photos and voice notes; this kind of file is not supported."
    static func tooLarge(_ name: String) -> String { "\(name) is too large to take." }
    static func downloadFailed(_ name: String) -> String { "I could not download \(name); please send it again." }
    static let lookAtImages = "Please look at the image I sent."
    static let lookAtFiles = "Please have a look at the file I sent."

    /// "2 min", "3 h", "5 d".
    static func age(_ ms: Int64) -> String {
        let seconds = max(0, ms / 1000)
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3_600 { return "\(seconds / 60) min" }
        if seconds < 86_400 { return "\(seconds / 3_600) h" }
        return "\(seconds / 86_400) d"
    }

    static func sessionLabel(_ entry: SessionHistoryRecord, root: String, now: EpochMillis) -> String {
        let directory = root.isEmpty ? entry.workspace : String(entry.workspace.dropFirst(root.count).drop { $0 == "/" })
        let prompt = entry.firstPrompt.replacingOccurrences(of: "\n", with: " ").prefix(24)
        return "\(Workspaces.display(directory)) · \(age(now - entry.lastUsedAt)) · \(prompt) · \(String(format: "$%.2f", entry.costUSD))"
    }

    static func auditName(_ command: IntakePolicy.Command) -> String {
        switch command {
        case .newSession: "/new"
        case .continueSession: "/continue"
        case .resume: "/resume"
        case .cd(let path): "/cd \(InputExcerpt.quote(path))"
        case .ls: "/ls"
        case .pwd: "/pwd"
        case .projects: "/projects"
        case .status: "/status"
        case .export(let format): format == .markdown ? "/export" : "/export \(format.rawValue)"
        case .get(let path): "/get \(InputExcerpt.quote(path))"
        case .model(let name): "/model \(name.map { InputExcerpt.quote($0) } ?? "")"
        case .bind(let path): "/bind \(InputExcerpt.quote(path))"
        case .git(let view): "/git \(view.argument)"
        case .actions: "/actions"
        case .stop, .verbose, .auth, .cost, .myData, .forgetMe, .users, .allow, .block, .unblock, .schedule: "command"
        }
    }
}
