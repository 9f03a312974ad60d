import Messages

/// When a project survey may run ahead of a run's end, and whether the one that ran ahead still tells the truth.
/// Only tools change the workspace: a survey begun while no tool was running, with no tool started since, sees
/// what the end would see. Tools that only read (`leavesWorkspaceAlone`) neither spoil a survey nor call for a
/// new one, so a run of reads and searches costs no git at all. A tool that keeps working after its result (a
/// background command) makes every early survey suspect, so from then on the run is surveyed at its end only.
struct SurveyTiming: Sendable {
    enum Action: Sendable, Equatable {
        /// Begin survey `generation`; one begun earlier is no longer wanted.
        case begin(generation: Int)
        /// Drop the survey begun earlier: a tool is at work.
        case drop
        case none
    }

    /// Bumped by every tool that starts or ends: a survey is current while its generation is.
    private(set) var generation = 0
    /// Tools started and not yet ended, by tool-use id.
    private(set) var running: Set<String> = []
    /// The generation of the survey begun last, if one was.
    private(set) var begun: Int?
    private(set) var speculating = true
    /// Tools that only read, started and not yet ended: their results are no news.
    private var reading: Set<String> = []
    /// Whether a call (tool name, input) cannot change the workspace.
    let leavesWorkspaceAlone: @Sendable (String, JSONValue) -> Bool

    init(leavesWorkspaceAlone: @escaping @Sendable (String, JSONValue) -> Bool = { _, _ in false }) {
        self.leavesWorkspaceAlone = leavesWorkspaceAlone
    }

    /// Input fields with which a tool keeps running after its result comes back.
    static let backgroundFields = ["run_in_background"]

    mutating func hear(_ event: ClaudeEvent) -> Action {
        switch event {
        case .initialized:
            return beginIfIdle()
        case .toolUse(let id, let name, let input):
            guard !leavesWorkspaceAlone(name, input) else {
                reading.insert(id)
                return .none
            }
            generation += 1
            running.insert(id)
            if Self.backgroundFields.contains(where: { input[$0]?.boolValue == true }) { speculating = false }
            return dropBegun()
        case .toolResult(let id, _, _):
            if reading.remove(id) != nil { return .none }
            generation += 1
            running.remove(id)
            return beginIfIdle()
        case .processStarted, .assistantText, .apiRetry:
            return .none
        }
    }

    /// At the run's end: the generation of a survey begun ahead that still holds, or nil to survey now.
    var current: Int? {
        guard speculating, running.isEmpty, let begun, begun == generation else { return nil }
        return begun
    }

    private mutating func beginIfIdle() -> Action {
        guard speculating, running.isEmpty else { return dropBegun() }
        if begun == generation { return .none }
        begun = generation
        return .begin(generation: generation)
    }

    private mutating func dropBegun() -> Action {
        guard begun != nil else { return .none }
        begun = nil
        return .drop
    }
}
