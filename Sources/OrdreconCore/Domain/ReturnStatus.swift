/// The life of a return (item level, several per order possible), as fixed by the feed contract.
///
/// ```
/// (new) -> REQUESTED -> APPROVED -> IN_TRANSIT -> RECEIVED -> COMPLETED
///          REQUESTED -> REJECTED
/// ```
public enum ReturnStatus: String, Sendable, CaseIterable, Hashable {
    case requested = "REQUESTED"
    case approved = "APPROVED"
    case inTransit = "IN_TRANSIT"
    case received = "RECEIVED"
    case completed = "COMPLETED"
    case rejected = "REJECTED"

    /// Parses a status name case-insensitively.
    public init?(caseInsensitive text: String) {
        if let exact = Self(rawValue: text) {
            self = exact  // the usual spelling: no new string
        } else {
            self.init(rawValue: text.uppercased())
        }
    }

    /// The status that creates a return.
    public static let creating: ReturnStatus = .requested

    /// Statuses this one may move to.
    public var allowedNext: [ReturnStatus] {
        switch self {
        case .requested: [.approved, .rejected]
        case .approved: [.inTransit]
        case .inTransit: [.received]
        case .received: [.completed]
        case .completed, .rejected: []
        }
    }

    /// Whether the contract allows moving from `self` to `next`.
    public func allows(_ next: ReturnStatus) -> Bool {
        allowedNext.contains(next)
    }

    /// Whether no further transition is possible.
    public var isFinal: Bool { allowedNext.isEmpty }

    /// Whether the return's items still count against what may be returned.
    public var holdsItems: Bool { self != .rejected }
}
