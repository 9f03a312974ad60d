import Synchronization

/// What the executor's disk says about a job's workspace, looked at once, at the job's first tool call.
final class WorkspaceFacts: Sendable {
    private let workspace: String
    private let scanned = Mutex<Bool?>(nil)

    init(workspace: String) {
        self.workspace = workspace
    }

    var holdsSecrets: Bool {
        scanned.withLock { known in
            if let known { return known }
            let found = WorkspaceSecretScan.holdsSecrets(workspace)
            known = found
            return found
        }
    }
}
