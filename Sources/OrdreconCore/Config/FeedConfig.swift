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

    /// The five feeds of the feed contract with their default permissions, in the contract's
    /// order (the default file lists them so).
    static let contractDefaults: [FeedConfig] = [
        FeedConfig(
            name: "storefront", permissions: [.order(.pendingPayment), .order(.cancelled), .return(.requested)]),
        FeedConfig(name: "payments", permissions: [.order(.paid)]),
        FeedConfig(
            name: "warehouse", permissions: [.order(.processingInWarehouse), .order(.shipped), .return(.received)]),
        FeedConfig(name: "carrier", permissions: [.order(.delivered), .return(.inTransit)]),
        FeedConfig(name: "returns-desk", permissions: [.return(.approved), .return(.rejected), .return(.completed)]),
    ]

    /// The five feeds of the feed contract with their default permissions, sorted by name.
    public static let defaults: [FeedConfig] = contractDefaults.sorted { $0.name < $1.name }

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
        if !allowed {
            return "a feed name may use only letters A-Z a-z, digits, '.', '_' and '-' (it is a folder name)"
        }
        return nil
    }
}

// MARK: - Reading

extension FeedConfig {
    /// Reads `[feeds.<name>]` tables; without any, the five default feeds. Sorted by name.
    static func read(_ t: TableReader) throws(ConfigurationError) -> [FeedConfig] {
        let allow = t.describe(
            ConfigKey(
                table: .feeds, name: "allow", kind: .permissions,
                accepts: "an array of \"entity:STATUS\" strings, e.g. [\"order:PAID\"]", defaultValue: nil,
                doc:
                    "what the feed may send; needed for any feed but the five default ones, which have the contract's lists",
                comment: [
                    "Feeds: one inbox folder per feed; each feed may send only the listed \"entity:STATUS\" pairs",
                    "(entity order or return; matched case-insensitively).",
                    "Without any [feeds.*] table these five apply. Once one is listed, exactly the listed feeds",
                    "exist; one of these five listed without `allow` keeps the list shown here.",
                ]))
        guard let feedsValue = t.source, let table = feedsValue.tableValue else { return defaults }
        guard !table.isEmpty else {
            throw t.error(
                t.keyPath(), line: feedsValue.line,
                "no feeds configured; add [feeds.<name>] tables with allow = [...], "
                    + "or remove [feeds] to use the five default feeds")
        }
        var feeds: [FeedConfig] = []
        var lowercasedNames: [String: String] = [:]
        for (name, value) in table.entries {
            if let problem = problem(withName: name) {
                throw t.error(
                    t.keyPath(name), line: value.line, "invalid feed name \(TOMLTable.quoted(name)): \(problem)")
            }
            if let other = lowercasedNames[name.lowercased()] {
                throw t.error(
                    t.keyPath(name), line: value.line,
                    "feed names \(other) and \(name) differ only in case; their folders would clash on some file systems"
                )
            }
            lowercasedNames[name.lowercased()] = name
            guard let allowValue = value.tableValue?[allow.name] else {
                if let fallback = defaultFeed(named: name) {
                    feeds.append(fallback)
                    continue
                }
                throw t.error(
                    t.keyPath(name), line: value.line,
                    "feed \(name) has no allow list; add allow = [\"order:<STATUS>\", \"return:<STATUS>\", ...] "
                        + "(only the default feeds \(defaults.map(\.name).joined(separator: ", ")) have one built in)")
            }
            let allowPath = t.keyPath(name, allow.name)
            guard let entries = allowValue.arrayValue else { throw t.invalid(allow, allowValue, at: allowPath) }
            var permissions: [Permission] = []
            var firstIndex: [Permission: Int] = [:]
            for (index, entry) in entries.enumerated() {
                let permission = try Permission.read(entry, allow, at: allowPath, index: index, t)
                if let earlier = firstIndex[permission] {
                    throw t.error(
                        allowPath + "[\(index)]", line: entry.line,
                        "\(TOMLTable.quoted(permission.text)) is listed twice (also at allow[\(earlier)])")
                }
                firstIndex[permission] = index
                permissions.append(permission)
            }
            feeds.append(FeedConfig(name: name, permissions: permissions))
        }
        return feeds.sorted { $0.name < $1.name }
    }
}

extension FeedConfig.Permission {
    /// Element `index` of a feed's `allow` array (at `keyPath`), with a hint for near misses.
    static func read(_ entry: TOMLValue, _ allow: ConfigKey, at keyPath: String, index: Int, _ t: TableReader)
        throws(ConfigurationError) -> FeedConfig.Permission
    {
        let suffix = "[\(index)]"
        let expected = "\"order:<STATUS>\" or \"return:<STATUS>\""
        guard let text = entry.stringValue else {
            throw t.invalid(allow, entry, at: keyPath, suffix: suffix, expected: expected)
        }
        if let permission = Self(parsing: text) { return permission }
        let orderNames = OrderStatus.allCases.map(\.rawValue)
        let returnNames = ReturnStatus.allCases.map(\.rawValue)
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        func fail(_ message: String) -> ConfigurationError {
            t.error(keyPath + suffix, line: entry.line, message)
        }
        guard parts.count == 2 else {
            let bare = trim(Substring(text)).uppercased()
            var hint = ""
            if orderNames.contains(bare) {
                hint = " (did you mean \"order:\(bare)\"?)"
            } else if returnNames.contains(bare) {
                hint = " (did you mean \"return:\(bare)\"?)"
            }
            throw fail("expected \(expected), got \(TOMLTable.quoted(text))\(hint)")
        }
        let entityText = trim(parts[0])
        let statusText = trim(parts[1]).uppercased()
        guard let entity = Entity(caseInsensitive: entityText) else {
            throw fail(
                "unknown entity \(TOMLTable.quoted(entityText)) in \(TOMLTable.quoted(text)); expected order or return"
                    + ConfigurationSchema.suggestion(entityText, among: ["order", "return"]))
        }
        let (names, otherNames, other) =
            entity == .order ? (orderNames, returnNames, "return") : (returnNames, orderNames, "order")
        var hint = ConfigurationSchema.suggestion(statusText, among: names)
        if hint.isEmpty, otherNames.contains(statusText) {
            hint = " (\(statusText) is \(other == "order" ? "an" : "a") \(other) status: \"\(other):\(statusText)\")"
        }
        throw fail(
            "unknown \(entity.rawValue) status \(TOMLTable.quoted(String(parts[1]))) in \(TOMLTable.quoted(text))\(hint); "
                + "expected one of \(names.joined(separator: ", "))")
    }
}
