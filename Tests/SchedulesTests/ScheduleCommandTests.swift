import Foundation
import Schedules
import Testing

@Suite struct ScheduleCommandTests {
    let utc = TimeZone(identifier: "UTC")!

    func parse(_ text: String) -> Result<ScheduleCommand, ScheduleCommandError> {
        ScheduleCommand.parse(text, defaultTimeZone: utc)
    }

    @Test func addWithOptionsKeepsThePromptAsWritten() throws {
        let parsed = parse("add 0 9 * * 1-5 tz=Europe/Berlin missed=skip Check the open PRs\nand summarise them")
        guard case .success(.add(let request)) = parsed else { Issue.record("\(parsed)"); return }
        #expect(request.expression == (try CronExpression("0 9 * * 1-5")))
        #expect(request.timeZone.identifier == "Europe/Berlin")
        #expect(request.missed == .skip)
        #expect(request.chatId == nil)
        #expect(request.prompt == "Check the open PRs\nand summarise them")
    }

    @Test func aMacroTakesOneWordAndDefaultsApply() {
        guard case .success(.add(let request)) = parse("add @daily chat=-100123 Run the tests") else { Issue.record("no"); return }
        #expect(request.expression.description == "@daily")
        #expect(request.timeZone == utc)
        #expect(request.missed == .run)
        #expect(request.chatId == -100123)
        #expect(request.prompt == "Run the tests")
    }

    @Test func aPromptMayContainAnEqualsSignAfterItsFirstWord() {
        guard case .success(.add(let request)) = parse("add @hourly Check that x=1 holds") else { Issue.record("no"); return }
        #expect(request.prompt == "Check that x=1 holds")
    }

    @Test func listPauseResumeRemove() {
        #expect(parse("") == .success(.list))
        #expect(parse("list") == .success(.list))
        #expect(parse("pause ab12") == .success(.pause("ab12")))
        #expect(parse("resume ab12") == .success(.resume("ab12")))
        #expect(parse("remove ab12") == .success(.remove("ab12")))
    }

    @Test(arguments: [
        ("add", "needs a time"), ("add 0 9 * *", "5 fields"), ("add @daily", "needs a prompt"),
        ("add @daily tz=Mars/Olympus hi", "unknown time zone"), ("add @daily missed=maybe hi", "run or skip"),
        ("add 61 * * * * hi", "minute 61"), ("pause", "one schedule id"), ("frobnicate", "unknown /schedule action"),
    ])
    func mistakesAreNamed(text: String, expected: String) {
        guard case .failure(let error) = parse(text) else { Issue.record("\(text) accepted"); return }
        #expect(error.description.contains(expected), "\(text): \(error)")
    }
}
