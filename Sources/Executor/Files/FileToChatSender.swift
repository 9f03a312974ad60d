import Foundation
import Logging
import Messages
import PeerLink

/// Claude's `send_file`: the file is read inside the job's workspace with the checks `/get` makes (real path after
/// symlinks inside the workspace, no credentials by name or by real path, a regular file, at most 20 MB), typed by
/// its content (photo or document), and handed to the guard, whose receipt says it is in the outbox.
struct FileToChatSender: Sendable {
    /// How long Claude's tool call waits for the guard to record the file before it is told it was not sent.
    static let receiptTimeout: Duration = .seconds(30)

    let workspaces: WorkspaceGuard
    let connection: GuardConnection
    let state: ExecutorState
    let logger: Logger

    func send(_ path: String, job: JobAssignment, workspace: String) async -> Result<String, SendFileRefusal> {
        let absolute = path.hasPrefix("/") ? path : workspace + "/" + path
        if let problem = workspaces.check(path: absolute, workspace: workspace) { return .failure(SendFileRefusal(reason: problem.reason)) }
        guard let real = WorkspaceGuard.realPath(absolute) else { return .failure(SendFileRefusal(reason: "the file does not exist")) }
        let data: Data
        do {
            data = try FileReader(workspaces: workspaces).read(workspaces.relativeToRoot(real), maxBytes: nil)
        } catch {
            return .failure(SendFileRefusal(reason: error.message))
        }
        let name = URL(fileURLWithPath: real).lastPathComponent
        let kind = OutgoingFileKind.of([UInt8](data))
        let file = FileToChat(
            jobId: job.jobId, attempt: job.attempt, requestId: UUID().uuidString, fileName: name, data: data, asPhoto: kind == .photo)
        await state.expectReceipt(for: file)
        do { try await connection.send(file) } catch { await state.expireReceipt(for: file) }
        let receipt = await withTaskGroup(of: Void.self) { [state] group in
            group.addTask {
                guard (try? await Task.sleep(for: Self.receiptTimeout)) != nil else { return }
                await state.expireReceipt(for: file)
            }
            let receipt = await state.receipt(for: file)
            group.cancelAll()
            return receipt
        }
        logger.info("file to chat", metadata: [
            "job.id": "\(job.jobId)", "file.bytes": "\(data.count)", "file.photo": "\(kind == .photo)",
            "file.accepted": "\(receipt?.accepted.description ?? "no answer")",
        ])
        guard let receipt else { return .failure(SendFileRefusal(reason: "the chat could not be reached; try again later")) }
        guard receipt.accepted else { return .failure(SendFileRefusal(reason: receipt.reason ?? "the guard refused it")) }
        return .success("sent \(name) to the chat as a \(kind == .photo ? "photo" : "document")")
    }
}
