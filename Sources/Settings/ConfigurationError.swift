/// Everything wrong with the configuration, reported at once so an operator fixes it in one pass.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public struct Issue: Sendable, Equatable {
        /// The environment variable (or flag) at fault.
        public var variable: String
        /// What is wrong, and how to fix it. Never contains a secret's value.
        public var problem: String

        public init(variable: String, problem: String) {
            self.variable = variable
            self.problem = problem
        }
    }

    public var issues: [Issue]

    public init(issues: [Issue]) {
        self.issues = issues
    }

    public var description: String {
        "invalid configuration:\n" + issues.map { "  - \($0.variable): \($0.problem)" }.joined(separator: "\n")
    }
}
