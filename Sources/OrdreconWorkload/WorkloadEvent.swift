import OrdreconCore

/// One item of an event as it will be written.
struct EventItem: Sendable {
    var sku: String
    var quantity: Int
    /// GST-inclusive unit price in paise; nil for return items.
    var unitPrice: Int64?
    var hsn: String?
    var gstRate: Int?
    /// Written instead of `quantity` when set (faults).
    var quantityText: String?
    /// Written instead of `unitPrice` when set (faults).
    var unitPriceText: String?
    /// The item's `description` (the product's name); set only on the written
    /// `PENDING_PAYMENT` event, never kept in a plan.
    var productName: String?
}

/// How an `occurred_at` is written.
enum TimeStyle: UInt8, Sendable {
    /// Local time in India with `+05:30`.
    case indiaOffset
    /// UTC with `Z`.
    case utc
    /// Local time in India without an offset (read in the configured zone).
    case localNoOffset

    /// India's offset from UTC, in seconds (+05:30).
    static let indiaOffsetSeconds = 19_800

    /// Appends `seconds` (since the epoch, UTC) in this style.
    func append(_ seconds: Int64, to out: inout [UInt8]) {
        let offset: TimeFormat.Offset =
            switch self {
            case .indiaOffset: .colon
            case .utc: .zulu
            case .localNoOffset: .omitted
            }
        TimeFormat(fraction: .none, offset: offset)
            .append(milliseconds: seconds * 1000, offsetSeconds: Self.indiaOffsetSeconds, to: &out)
    }

    /// `seconds` (since the epoch, UTC) in this style, as a string.
    func string(_ seconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        append(seconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A way to write an event that makes it unreadable (`malformed`).
enum RenderFault: Sendable {
    case none
    /// CSV: text after a closing quote.
    case csvBadQuote
    /// CSV: one field more than the header.
    case csvExtraField
    /// CSV: one field fewer than the header.
    case csvMissingField
    /// CSV: a continuation row whose `occurred_at` differs from the first row's.
    case csvConflictingContinuation
    /// JSON Lines: the line is cut off, not JSON.
    case jsonlNotJSON
    /// JSON: a field holds an object or array where text is expected.
    case jsonWrongType
}

/// One event of the workload: its content, how to write it, and the outcome ordrecon must record.
struct WorkloadEvent: Sendable {
    var feed: Feed
    var eventId: String
    var entity: String
    var orderId: String
    var returnId: String?
    var status: String
    /// Seconds since the epoch (UTC).
    var time: Int64
    var timeStyle: TimeStyle
    /// Written instead of `time` when set; an empty text is an empty field.
    var timeText: String?
    var actor: String?
    var reason: String?
    var customerId: String?
    var shipToState: String?
    /// Invoice fields of `PENDING_PAYMENT` (contract section 8).
    var customerName: String?
    var billingAddress: String?
    var billingState: String?
    var customerGstin: String?
    var currency: String?
    /// Paise.
    var amount: Int64?
    /// Written instead of `amount` when set (faults).
    var amountText: String?
    var paymentRef: String?
    var carrier: String?
    var trackingNumber: String?
    var items: [EventItem] = []
    var renderFault: RenderFault = .none
    /// The outcome the generator intends; the oracle must agree.
    var intended: Outcome = .applied
    /// The fault this event carries, for coverage accounting.
    var fault: FaultKind?
    /// Index of the order in the wave plan (-1 when none).
    var planOrder: Int32 = -1
    /// Index of the return in the wave plan (-1 when none).
    var planReturn: Int32 = -1

    init(
        feed: Feed, eventId: String, entity: String, orderId: String, status: String, time: Int64, timeStyle: TimeStyle
    ) {
        self.feed = feed
        self.eventId = eventId
        self.entity = entity
        self.orderId = orderId
        self.status = status
        self.time = time
        self.timeStyle = timeStyle
    }

    var isCreating: Bool { status == "PENDING_PAYMENT" || status == "REQUESTED" }
}
