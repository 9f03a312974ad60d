/// Every metric Gatehouse exports, by name, so the programs, the dashboard and the tests agree. No label ever
/// carries a person's id, a chat id or content.
public enum MetricName {
    /// Updates the guard decided on; labels `kind` (message, command, callback, edit, other) and `disposition`.
    public static let updates = "gatehouse_updates_total"
    /// Refusals by `reason`.
    public static let refusals = "gatehouse_refusals_total"
    /// Jobs that ended, by `outcome`.
    public static let jobs = "gatehouse_jobs_total"
    /// Tool calls decided, by `verdict` (allow, deny, ask) and `tool`.
    public static let toolDecisions = "gatehouse_tool_decisions_total"
    /// Tool calls waiting for their person's answer.
    public static let approvalsPending = "gatehouse_approvals_pending"
    /// From the question to the person's answer.
    public static let approvalAnswer = "gatehouse_approval_answer_seconds"
    /// Replies in the outbox not yet delivered, and the age of the oldest.
    public static let outboxBacklog = "gatehouse_outbox_backlog"
    public static let outboxOldestAge = "gatehouse_outbox_oldest_age_seconds"
    /// Bot API calls, by `method` and `status` (the HTTP status, or `network`).
    public static let telegramCalls = "gatehouse_telegram_calls_total"
    /// Time egress waited because Telegram answered 429.
    public static let telegramRetryAfter = "gatehouse_telegram_retry_after_seconds_total"
    /// Executor slots by `state` (busy, free), per executor (`peer`).
    public static let executorSlots = "gatehouse_executor_slots"
    /// Executors registered with the guard.
    public static let executorsConnected = "gatehouse_executors_connected"
    /// Pipeline hops, by `hop`: `queue` (committed → dispatched), `start` (dispatched → CLI has the prompt),
    /// `reply` (result → reply handed to Telegram).
    public static let hop = "gatehouse_hop_seconds"
    /// A Claude Code CLI run, start to result, by `outcome`.
    public static let cliRun = "gatehouse_cli_run_seconds"
    /// Model cost reported by the CLI, in US dollars.
    public static let modelCost = "gatehouse_model_cost_usd_total"

    /// Every family a complete installation exports (the dashboard and the tests check against it).
    public static let all = [
        updates, refusals, jobs, toolDecisions, approvalsPending, approvalAnswer, outboxBacklog, outboxOldestAge,
        telegramCalls, telegramRetryAfter, executorSlots, executorsConnected, hop, cliRun, modelCost,
    ]

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    static let runBuckets: [Duration] = [
        .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
        .seconds(600), .seconds(1800),
    ]
}
