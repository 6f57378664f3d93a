/// The two kinds of thing a feed event can move: an order or a return.
public enum Entity: String, Sendable, CaseIterable, Hashable {
    case order
    case `return`

    /// Parses an entity name case-insensitively (`order`, `Return`, ...).
    public init?(caseInsensitive text: String) {
        if let exact = Entity(rawValue: text) {
            self = exact  // the usual spelling: no new string
            return
        }
        switch text.lowercased() {
        case "order": self = .order
        case "return": self = .return
        default: return nil
        }
    }
}
