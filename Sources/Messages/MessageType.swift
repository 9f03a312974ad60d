/// The type frame of every wire message. A router acts on it without decoding the body.
/// Names are `<link>.<what>`; the link says which guard endpoint carries the message.
public enum MessageType: String, Sendable, CaseIterable {
    // Both directions, on every link.
    case heartbeat = "heartbeat"

    // intake: ingress ⇄ guard
    case update = "intake.update"
    case updateAck = "intake.update_ack"
    // intake: webhook receiver ⇄ guard
    case webhookEvent = "intake.webhook"
    case webhookAck = "intake.webhook_ack"
    case webhookRefusals = "intake.webhook_refusals"

    // work: executor ⇄ guard
    case executorReady = "work.ready"
    case job = "work.job"
    case jobAccepted = "work.job_accepted"
    case jobGo = "work.job_go"
    case jobStarted = "work.job_started"
    case jobProgress = "work.job_progress"
    case permissionRequest = "work.permission_request"
    case permissionDecision = "work.permission_decision"
    case jobResult = "work.job_result"
    case jobResultAck = "work.job_result_ack"
    case cancelJob = "work.cancel"
    case fileRequest = "work.files"
    case fileResult = "work.files_result"
    case fileToChat = "work.file_to_chat"
    case fileToChatReceipt = "work.file_to_chat_receipt"

    // delivery: egress ⇄ guard
    case egressReady = "delivery.ready"
    case delivery = "delivery.send"
    case deliveryResult = "delivery.result"
}

/// A typed message that can travel on the wire.
public protocol WireMessage: Codable, Sendable {
    static var type: MessageType { get }
}
