import ArgumentParser

/// The operator's command line. Each program is a subcommand, so one binary serves every container.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Drive Claude Code from Telegram, safely.",
        subcommands: [
            UpCommand.self, GuardCommand.self, IngressCommand.self, ExecutorCommand.self, EgressCommand.self, WebhooksCommand.self,
            UsersCommand.self, TokenCommand.self, AuditCommand.self, KeygenCommand.self, KeysCommand.self,
            HealthCommand.self, StatusCommand.self, SchedulesCommand.self,
        ]
    )
}
