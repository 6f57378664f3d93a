/// One configured feed: the partner's inbox folder name and what it may send.
public struct FeedConfig: Sendable, Hashable {
    /// One `entity:STATUS` pair a feed may send.
    public enum Permission: Sendable, Hashable, CustomStringConvertible {
        case order(OrderStatus)
        case `return`(ReturnStatus)

        /// Parses `order:PAID` / `Return:completed` (case-insensitive, spaces around the parts ignored).
        public init?(parsing text: String) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let entity = Entity(caseInsensitive: Self.trim(parts[0])) else { return nil }
            let status = Self.trim(parts[1])
            switch entity {
            case .order:
                guard let s = OrderStatus(caseInsensitive: status) else { return nil }
                self = .order(s)
            case .return:
                guard let s = ReturnStatus(caseInsensitive: status) else { return nil }
                self = .return(s)
            }
        }

        public var entity: Entity {
            switch self {
            case .order: .order
            case .return: .return
            }
        }

        /// The status's upper-case name, e.g. `PAID`.
        public var statusName: String {
            switch self {
            case .order(let s): s.rawValue
            case .return(let s): s.rawValue
            }
        }

        /// The normalized text, e.g. `order:PAID`.
        public var text: String { "\(entity.rawValue):\(statusName)" }

        public var description: String { text }

        static func trim(_ s: Substring) -> String {
            String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }

    /// The feed's name: its folder under inbox/, archive/, failed/ and outbox/rejections/.
    public let name: String
    /// What it may send, in the order configured.
    public let permissions: [Permission]
    private let permissionSet: Set<Permission>

    /// Creates a feed (duplicates in `permissions` are dropped).
    public init(name: String, permissions: [Permission]) {
        self.name = name
        var seen = Set<Permission>()
        self.permissions = permissions.filter { seen.insert($0).inserted }
        self.permissionSet = seen
    }

    /// The normalized entries, e.g. `["order:PAID"]`, in the order configured.
    public var allowList: [String] { permissions.map(\.text) }

    /// The normalized entries as a set (the form the judge takes).
    public var allowSet: Set<String> { Set(allowList) }

    /// Whether this feed may send `entity` moving to `status` (status compared case-insensitively).
    public func allows(entity: Entity, status: String) -> Bool {
        switch entity {
        case .order:
            guard let s = OrderStatus(caseInsensitive: status) else { return false }
            return permissionSet.contains(.order(s))
        case .return:
            guard let s = ReturnStatus(caseInsensitive: status) else { return false }
            return permissionSet.contains(.return(s))
        }
    }

    /// Whether this feed may send this entity and status.
    public func allows(_ permission: Permission) -> Bool {
        permissionSet.contains(permission)
    }

    /// The five feeds of the feed contract with their default permissions, sorted by name.
    public static let defaults: [FeedConfig] = [
        FeedConfig(name: "carrier", permissions: [.order(.delivered), .return(.inTransit)]),
        FeedConfig(name: "payments", permissions: [.order(.paid)]),
        FeedConfig(name: "returns-desk", permissions: [.return(.approved), .return(.rejected), .return(.completed)]),
        FeedConfig(name: "storefront", permissions: [.order(.pendingPayment), .order(.cancelled), .return(.requested)]),
        FeedConfig(
            name: "warehouse", permissions: [.order(.processingInWarehouse), .order(.shipped), .return(.received)]),
    ]

    /// The default feed with this name, if it is one of the five.
    public static func defaultFeed(named name: String) -> FeedConfig? {
        defaults.first { $0.name == name }
    }

    /// Why `name` cannot be a feed name (it must work as a folder name), or `nil` if it can.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "a feed name cannot be empty" }
        if name.hasPrefix(".") { return "a feed name cannot start with '.' (such folders are hidden or special)" }
        if name.utf8.count > 100 { return "a feed name can be at most 100 characters long" }
        let allowed = name.unicodeScalars.allSatisfy { c in
            switch c {
            case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
        if !allowed { return "a feed name may use only letters A-Z a-z, digits, '.', '_' and '-' (it is a folder name)" }
        return nil
    }
}
