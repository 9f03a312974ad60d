import Foundation
import Guard
import Messages
import Testing

/// Who works where: by default an administrator works in the approved directory itself (a lone owner's projects are
/// there), everyone else in their own directory.
@Suite struct WorkspaceModeTests {
    @Test func eachModesRoots() {
        let admins: Set<Int64> = [1]
        #expect(Workspaces(approvedDirectory: "/srv/p", mode: .adminsShared, admins: admins).root(of: 1) == "")
        #expect(Workspaces(approvedDirectory: "/srv/p", mode: .adminsShared, admins: admins).root(of: 2) == "2")
        #expect(Workspaces(approvedDirectory: "/srv/p", mode: .perPerson, admins: admins).root(of: 1) == "1")
        #expect(Workspaces(approvedDirectory: "/srv/p", mode: .shared, admins: admins).root(of: 2) == "")
        #expect(WorkspaceMode(rawValue: "admins-shared") == .adminsShared && WorkspaceMode(rawValue: "private") == .perPerson)
    }

    @Test func byDefaultTheOwnerCdsIntoTheirProjectsAndOthersStayInTheirOwnDirectory() async throws {
        let guardian = GuardHarness(allowed: [100, 200], admins: [100]) { $0.workspaceMode = GuardConfiguration.defaultWorkspaceMode }
        _ = try await guardian.registerEgress()
        _ = try await guardian.registerExecutor("a", capacity: 2)
        let owner = try #require(try await guardian.say("hello", from: 100, updateId: 1).messages(JobAssignment.self).first?.message)
        #expect(owner.workspace == "", "the owner does not work in the approved directory")
        let member = try #require(try await guardian.say("hello", from: 200, updateId: 2).messages(JobAssignment.self).first?.message)
        #expect(member.workspace == "200")
    }
}
