@testable import Executor
import Messages
import Synchronization
import Testing

/// The project survey runs ahead of a run's end only while no tool is at work, and what it found is used only if
/// no tool started since; otherwise the end surveys afresh.
@Suite struct ProjectSurveyTests {
    let initialized = ClaudeEvent.initialized(sessionId: "s", model: nil)
    func use(_ id: String, _ input: [String: JSONValue] = [:]) -> ClaudeEvent { .toolUse(id: id, name: "Bash", input: .object(input)) }
    func result(_ id: String) -> ClaudeEvent { .toolResult(toolUseId: id, isError: false, preview: "") }

    @Test func aRunWithoutToolsIsSurveyedOnceFromItsStart() {
        var timing = SurveyTiming()
        #expect(timing.hear(initialized) == .begin(generation: 0))
        #expect(timing.hear(.assistantText("hi")) == .none)
        #expect(timing.current == 0)
    }

    @Test func aToolDropsTheSurveyAndItsResultBeginsAnother() {
        var timing = SurveyTiming()
        _ = timing.hear(initialized)
        #expect(timing.hear(use("a")) == .drop)
        #expect(timing.current == nil)
        #expect(timing.hear(result("a")) == .begin(generation: 2))
        #expect(timing.current == 2)
    }

    @Test func toolsAtWorkTogetherAreAllWaitedFor() {
        var timing = SurveyTiming()
        _ = timing.hear(initialized)
        _ = timing.hear(use("a"))
        #expect(timing.hear(use("b")) == .none)
        #expect(timing.hear(result("a")) == .none, "b is still at work")
        #expect(timing.current == nil)
        #expect(timing.hear(result("b")) == .begin(generation: 4))
        #expect(timing.current == 4)
    }

    @Test func aToolThatNeverEndedLeavesTheSurveyToTheEnd() {
        var timing = SurveyTiming()
        _ = timing.hear(initialized)
        _ = timing.hear(use("a"))
        #expect(timing.current == nil)
    }

    @Test func aBackgroundCommandLeavesEverySurveyToTheEnd() {
        var timing = SurveyTiming()
        _ = timing.hear(initialized)
        #expect(timing.hear(use("a", ["command": .string("sleep 5; touch x"), "run_in_background": .bool(true)])) == .drop)
        #expect(timing.hear(result("a")) == .none)
        #expect(timing.hear(use("b")) == .none)
        #expect(timing.hear(result("b")) == .none)
        #expect(timing.current == nil)
    }

    @Test func readsNeitherSpoilTheSurveyNorCallForANewOne() {
        var timing = SurveyTiming { name, _ in name == "Read" }
        _ = timing.hear(initialized)
        #expect(timing.hear(.toolUse(id: "r", name: "Read", input: .object([:]))) == .none)
        #expect(timing.current == 0, "a read leaves the survey from the start standing")
        #expect(timing.hear(result("r")) == .none)
        #expect(timing.current == 0)
        #expect(timing.hear(use("w")) == .drop)
        #expect(timing.hear(result("w")) == .begin(generation: 2))
    }

    @Test func theExecutorCountsOnlyPlainReadsAsLeavingTheWorkspaceAlone() {
        func alone(_ name: String, _ input: [String: JSONValue] = [:]) -> Bool {
            JobLauncher.leavesWorkspaceAlone(name, .object(input), workspace: "/srv/projects/ann")
        }
        #expect(alone("Read", ["file_path": .string("/srv/projects/ann/README.md")]))
        #expect(alone("Grep", ["pattern": .string("main")]))
        #expect(alone("Bash", ["command": .string("git status --short")]))
        #expect(!alone("Bash", ["command": .string("rm -rf build")]))
        #expect(!alone("Write", ["file_path": .string("/srv/projects/ann/x"), "content": .string("x")]))
        #expect(!alone("Task", ["prompt": .string("look around")]), "a subagent may write")
        #expect(!alone("mcp__other__tool"))
    }

    /// Counts the surveys made and numbers what each found (as `testCommand`).
    final class Surveys: Sendable {
        let made = Mutex(0)
        func make() -> ProjectFacts {
            let number = made.withLock { made in
                made += 1
                return made
            }
            return ProjectFacts(isGitRepository: true, hasChanges: false, testCommand: "survey \(number)")
        }
    }

    @Test func theEndTakesTheSurveyBegunAheadWhenItHolds() async {
        let surveys = Surveys()
        let survey = ProjectSurvey { surveys.make() }
        survey.hear(initialized)
        survey.hear(.assistantText("done"))
        #expect(await survey.facts().testCommand == "survey 1")
        #expect(surveys.made.withLock { $0 } == 1)
    }

    @Test func theEndSurveysAfreshWhenAToolIsStillAtWork() async {
        let surveys = Surveys()
        let survey = ProjectSurvey { surveys.make() }
        survey.hear(initialized)
        survey.hear(use("a"))
        let facts = await survey.facts()
        let made = surveys.made.withLock { $0 }
        #expect(facts.testCommand == "survey \(made)", "the newest survey: \(facts.testCommand ?? "-") of \(made)")
        #expect(made >= 1)
    }

    @Test func theEndTakesTheSurveyBegunAfterTheLastTool() async {
        let surveys = Surveys()
        let survey = ProjectSurvey { surveys.make() }
        survey.hear(initialized)
        // The first survey has run before the tool starts.
        while surveys.made.withLock({ $0 }) == 0 { await Task.yield() }
        survey.hear(use("a"))
        survey.hear(result("a"))
        #expect(await survey.facts().testCommand == "survey 2")
        #expect(surveys.made.withLock { $0 } == 2)
    }
}
