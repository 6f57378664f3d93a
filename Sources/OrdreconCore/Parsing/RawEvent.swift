/// The event-level fields the contract names. Unknown fields and columns are ignored.
public enum EventField: Int, CaseIterable, Sendable {
    case eventId, entity, orderId, returnId, status, occurredAt, actor, reason, customerId
    case shipToState, currency, amount, paymentRef, carrier, trackingNumber
    /// Invoice data (order `PENDING_PAYMENT`, optional): the buyer as the tax invoice names it.
    case customerName, billingAddress, billingState, customerGSTIN

    /// The field's name in files (CSV column, JSON key).
    public var name: String {
        switch self {
        case .eventId: "event_id"
        case .entity: "entity"
        case .orderId: "order_id"
        case .returnId: "return_id"
        case .status: "status"
        case .occurredAt: "occurred_at"
        case .actor: "actor"
        case .reason: "reason"
        case .customerId: "customer_id"
        case .shipToState: "ship_to_state"
        case .currency: "currency"
        case .amount: "amount"
        case .paymentRef: "payment_ref"
        case .carrier: "carrier"
        case .trackingNumber: "tracking_number"
        case .customerName: "customer_name"
        case .billingAddress: "billing_address"
        case .billingState: "billing_state"
        case .customerGSTIN: "customer_gstin"
        }
    }

    /// Looks a field up by its file name (exact, lower case as in the contract).
    public init?(name: String) {
        guard let field = EventField.byName[name] else { return nil }
        self = field
    }

    private static let byName: [String: EventField] = Dictionary(
        uniqueKeysWithValues: EventField.allCases.map { ($0.name, $0) })

    /// Fields that hold ids: in JSON an integer is accepted and taken as its decimal text.
    public var isIdentifier: Bool {
        switch self {
        case .eventId, .orderId, .returnId, .customerId, .paymentRef, .trackingNumber: true
        default: false
        }
    }

    /// Fields that in JSON may be a number as well as a string.
    public var acceptsJSONNumber: Bool { isIdentifier || self == .amount }

    /// The CSV columns every file must have.
    public static let requiredColumns: [EventField] = [.eventId, .entity, .orderId, .status, .occurredAt]
}

/// The item-level fields (one per CSV row, or one object in a JSON `items` array).
public enum ItemField: Int, CaseIterable, Sendable {
    case sku, quantity, unitPrice, hsn, gstRate
    /// The product's name, for the invoice line (optional).
    case description

    public var name: String {
        switch self {
        case .sku: "sku"
        case .quantity: "quantity"
        case .unitPrice: "unit_price"
        case .hsn: "hsn"
        case .gstRate: "gst_rate"
        case .description: "description"
        }
    }

    public init?(name: String) {
        switch name {
        case "sku": self = .sku
        case "quantity": self = .quantity
        case "unit_price": self = .unitPrice
        case "hsn": self = .hsn
        case "gst_rate": self = .gstRate
        case "description": self = .description
        default: return nil
        }
    }

    /// Fields that in JSON may be a number as well as a string.
    public var acceptsJSONNumber: Bool { self != .sku && self != .description }
}

/// One value as read from a feed: its text (JSON strings decoded, JSON numbers as written).
public struct RawValue: Sendable, Hashable {
    public var text: String
    /// True when the value was a JSON number (its text is the number's literal, e.g. `1299.50`).
    public var isNumber: Bool

    public init(_ text: String, isNumber: Bool = false) {
        self.text = text
        self.isNumber = isNumber
    }
}

/// One item of an event, fields indexed by ``ItemField/rawValue``.
public struct RawItem: Sendable, Hashable {
    public var values: [RawValue?]

    public init() {
        values = Array(repeating: nil, count: RawItem.fieldCount)
    }

    /// `ItemField.allCases.count`, computed once (`allCases` builds a new array on every use).
    private static let fieldCount = ItemField.allCases.count

    public subscript(field: ItemField) -> RawValue? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue }
    }

    /// Whether no item field has a non-empty value.
    public var isEmpty: Bool {
        values.allSatisfy { ($0?.text.isEmpty ?? true) }
    }
}

/// One event as read from a file, before validation.
///
/// A parser fills what it could read; when the row or object could not be parsed,
/// ``malformed`` says why and the event is rejected with code `malformed`.
public struct RawEvent: Sendable {
    /// Where the event starts: CSV physical line (header is line 1), JSONL line, or 1-based
    /// position in a JSON array.
    public var line: Int
    /// Event fields indexed by ``EventField/rawValue``; nil when absent (JSON null counts as absent).
    public var values: [RawValue?]
    /// Items, in file order; empty when the event carries none.
    public var items: [RawItem]
    /// Why the event could not be parsed, if it could not.
    public var malformed: String?
    /// CSV only: the event's original rows, each the fields in header order (for the
    /// rejection file). Empty for JSON events.
    public var sourceRows: [[String]]
    /// JSON Lines only: the line's text when it did not parse (capped), for the rejection file.
    public var sourceText: String?
    /// Byte offset just after this event: where reading resumes after a crash.
    public var endOffset: Int64
    /// The line (CSV/JSONL) or position (JSON array) of the event that follows.
    public var nextLine: Int

    public init(line: Int) {
        self.line = line
        self.values = Array(repeating: nil, count: RawEvent.fieldCount)
        self.items = []
        self.malformed = nil
        self.sourceRows = []
        self.sourceText = nil
        self.endOffset = 0
        self.nextLine = line + 1
    }

    public subscript(field: EventField) -> RawValue? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue }
    }

    /// `EventField.allCases.count`, computed once (`allCases` builds a new array on every use).
    private static let fieldCount = EventField.allCases.count
}
