/// The policy egress runs with: Telegram's rules of thumb, paced 5% under each rate. Sends leave egress exactly on
/// schedule, but reach Telegram with network jitter; without a margin, two sends 1 s apart can arrive 0.95 s apart
/// and earn a 429 (measured: about 5% of sends in `gatehouse-bench delivery` without the margin).
extension PacingPolicy {
    public static var withJitterMargin: PacingPolicy {
        var policy = PacingPolicy()
        policy.perChatPerSecond *= 0.95
        policy.perGroupPerMinute *= 0.95
        policy.globalPerSecond *= 0.95
        return policy
    }
}
