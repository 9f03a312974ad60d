import Messages

/// When a project survey may run ahead of a run's end, and whether the one that ran ahead still tells the truth.
/// Only tools change the workspace: a survey begun while no tool was running, with no tool started since, sees
/// what the end would see. A tool that keeps working after its result (a background command) makes every early
/// survey suspect, so from then on the run is surveyed at its end only.
struct SurveyTiming: Sendable, Equatable {
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

    /// Input fields with which a tool keeps running after its result comes back.
    static let backgroundFields = ["run_in_background"]

    mutating func hear(_ event: ClaudeEvent) -> Action {
        switch event {
        case .initialized:
            return beginIfIdle()
        case .toolUse(let id, _, let input):
            generation += 1
            running.insert(id)
            if Self.backgroundFields.contains(where: { input[$0]?.boolValue == true }) { speculating = false }
            return dropBegun()
        case .toolResult(let id, _, _):
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
