import AccessControl
import Guard
import Ledger
import Settings

/// The guard's security settings: token sign-in, sessions, rate and cost limits, encryption at rest.
extension ProgramEnvironment {
    func accessConfiguration() -> GuardConfiguration.Access {
        var access = GuardConfiguration.Access()
        if reader.bool("ENABLE_TOKEN_AUTH", default: false) {
            let secret = reader.secret(
                "AUTH_TOKEN_SECRET", required: true,
                hint: "token authentication needs a secret to hash tokens with; generate one with: openssl rand -hex 32")
            if let secret, secret.reveal().utf8.count < 32 {
                reader.report("AUTH_TOKEN_SECRET", "is too short (\(secret.reveal().utf8.count) characters); use at least 32, e.g. openssl rand -hex 32")
            }
            access.tokenSecret = secret
        }
        access.sessionTimeoutMs = Int64(reader.int("SESSION_TIMEOUT_HOURS", default: 24, in: 1...720)) * 3_600_000
        access.rateLimit = RateLimit(
            requests: reader.int("RATE_LIMIT_REQUESTS", default: 10, in: 1...100_000),
            windowSeconds: reader.int("RATE_LIMIT_WINDOW", default: 60, in: 1...86_400),
            burst: reader.int("RATE_LIMIT_BURST", default: 20, in: 1...100_000))
        access.costLimits = CostLimits(
            perUserDailyUsd: reader.optionalDouble("CLAUDE_MAX_COST_PER_USER", default: 10, in: 0.01...1_000_000),
            perRequestUsd: reader.optionalDouble("CLAUDE_MAX_COST_PER_REQUEST", default: nil, in: 0.01...1_000_000),
            globalDailyUsd: reader.optionalDouble("CLAUDE_MAX_COST_DAILY", default: nil, in: 0.01...1_000_000))
        return access
    }

    /// `DATA_ENCRYPTION_KEY`: required in production, where message content must not sit in the database in clear.
    func dataCipher() -> ContentCipher? {
        let secret = reader.secret(
            "DATA_ENCRYPTION_KEY", required: environment == .production,
            hint: "stored message content is encrypted with it (AES-GCM); generate one with: openssl rand -base64 32")
        guard let secret else { return nil }
        do {
            return try ContentCipher(keyMaterial: ContentCipher.keyMaterial(from: secret.reveal()))
        } catch {
            reader.report("DATA_ENCRYPTION_KEY", "is not usable: give 32 random bytes in base64 (openssl rand -base64 32) or a passphrase of at least 16 characters")
            return nil
        }
    }
}

extension EnvironmentReader {
    /// A number, or `default` when unset; "off" or "none" turn an on-by-default limit off.
    func optionalDouble(_ name: String, default defaultValue: Double?, in range: ClosedRange<Double>) -> Double? {
        guard let text = raw(name) else { return defaultValue }
        if ["off", "none", "0"].contains(text.lowercased()) { return nil }
        return double(name, default: defaultValue ?? range.lowerBound, in: range)
    }
}
