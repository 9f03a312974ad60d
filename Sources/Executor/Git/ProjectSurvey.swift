import Messages
import Synchronization

/// What a run leaves the workspace as (git, pending changes, a test command: the guard chooses the answer's quick
/// actions from it), surveyed while the model is still at work rather than once its answer is in: in a git
/// repository the survey is three git processes, about 17 ms the answer would otherwise wait for. `SurveyTiming`
/// decides when a survey may run ahead and whether it still holds at the end; otherwise the end surveys afresh.
final class ProjectSurvey: Sendable {
    private struct State {
        var timing: SurveyTiming
        var ahead: (generation: Int, task: Task<ProjectFacts, Never>)?
    }

    private let state: Mutex<State>
    private let survey: @Sendable () async -> ProjectFacts

    init(
        leavesWorkspaceAlone: @escaping @Sendable (String, JSONValue) -> Bool = { _, _ in false },
        survey: @escaping @Sendable () async -> ProjectFacts
    ) {
        self.state = Mutex(State(timing: SurveyTiming(leavesWorkspaceAlone: leavesWorkspaceAlone)))
        self.survey = survey
    }

    deinit {
        state.withLock { $0.ahead?.task.cancel() }
    }

    /// Hears the run's events in order, as the CLI reports them.
    func hear(_ event: ClaudeEvent) {
        state.withLock { state in
            switch state.timing.hear(event) {
            case .begin(let generation):
                state.ahead?.task.cancel()
                state.ahead = (generation, Task { [survey] in await survey() })
            case .drop:
                state.ahead?.task.cancel()
                state.ahead = nil
            case .none:
                break
            }
        }
    }

    /// The workspace as the run left it: the survey begun ahead if it still holds, else one made now.
    func facts() async -> ProjectFacts {
        let ahead = state.withLock { state -> Task<ProjectFacts, Never>? in
            guard let ahead = state.ahead, state.timing.current == ahead.generation else { return nil }
            return ahead.task
        }
        if let ahead { return await ahead.value }
        return await survey()
    }
}
