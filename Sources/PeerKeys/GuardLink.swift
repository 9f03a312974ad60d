/// Which of the guard's three endpoints a message came from or goes to.
public enum GuardLink: String, Sendable {
    case intake, work, delivery
}
