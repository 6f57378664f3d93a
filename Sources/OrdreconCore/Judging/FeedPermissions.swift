/// The entity and status pairs a feed may send, for a check per event without building strings.
public struct FeedPermissions: Sendable, Hashable {
    private var statuses: Set<EventStatus>
    /// The permissions as `entity:STATUS` texts, sorted (for messages).
    public let names: [String]

    /// Creates permissions from `entity:STATUS` texts (case-insensitive); unknown ones are ignored
    /// (the configuration refuses them before this point).
    public init(_ entries: Set<String>) {
        var statuses = Set<EventStatus>()
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let entity = Entity(caseInsensitive: parts[0]) else { continue }
            switch entity {
            case .order:
                if let status = OrderStatus(caseInsensitive: parts[1]) { statuses.insert(.order(status)) }
            case .return:
                if let status = ReturnStatus(caseInsensitive: parts[1]) { statuses.insert(.return(status)) }
            }
        }
        self.statuses = statuses
        self.names = statuses.map { "\($0.entity.rawValue):\($0.name)" }.sorted()
    }

    public func contains(_ status: EventStatus) -> Bool { statuses.contains(status) }
}
