import ArgumentParser
import Egress
import Executor
import Guard
import Ingress
import Webhooks

/// The operator's command line. Each program is a subcommand, so one binary serves every container.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Drive Claude Code from Telegram, safely.",
        subcommands: [
            UpCommand.self, ProgramCommand<GuardService>.self, ProgramCommand<IngressService>.self,
            ProgramCommand<ExecutorService>.self, ProgramCommand<EgressService>.self, ProgramCommand<WebhooksService>.self,
            UsersCommand.self, TokenCommand.self, AuditCommand.self, KeygenCommand.self, KeysCommand.self,
            HealthCommand.self, StatusCommand.self, SchedulesCommand.self,
        ]
    )
}
