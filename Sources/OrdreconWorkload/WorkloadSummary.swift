/// The exact outcome that ordrecon must reach on a generated workload (`expected.json`).
///
/// `events == applied + duplicate + rejected`, where `rejected` sums `rejectedByCode` without the
/// whole-file codes `bad_file` and `unsupported_file_type` (those count files, not events).
public struct WorkloadSummary: Sendable, Codable, Equatable {
    /// Files written under `inbox/`, bad ones included.
    public var files: Int
    /// Events in readable files: each gets exactly one audit record.
    public var events: Int
    public var applied: Int
    public var duplicate: Int
    /// Every reason code of the contract (zero when absent), with file codes counting files.
    public var rejectedByCode: [String: Int]
    /// Files rejected as a whole (`bad_file` or `unsupported_file_type`).
    public var badFiles: Int
    /// Final status of every order that was created, every status listed.
    public var ordersByStatus: [String: Int]
    /// Final status of every return that was created, every status listed.
    public var returnsByStatus: [String: Int]
    /// Refund requests: one per PAID -> CANCELLED and one per COMPLETED return.
    public var refunds: Int
    /// Sum of all refund amounts, in paise.
    public var refundPaiseTotal: Int64
    /// Invoices: one per order that reached SHIPPED.
    public var invoices: Int
    /// Of ``invoices``, those listed as incomplete (contract section 8): a line without an HSN
    /// code after `config/catalog.csv` filled the blanks, or ₹50,000 or more to a buyer without a
    /// GSTIN and without all of name, billing address and billing state.
    public var invoicesIncomplete: Int

    /// Event-level reason codes, in the contract's check order.
    public static let eventReasonCodes = [
        "malformed", "missing_field", "invalid_value", "event_id_conflict", "feed_not_allowed",
        "unknown_order", "order_exists", "unknown_return", "return_exists", "invalid_transition",
        "order_not_delivered", "out_of_order", "amount_mismatch", "unknown_sku", "quantity_exceeded",
        "return_window_closed",
    ]

    /// Codes that reject a whole file.
    public static let fileReasonCodes = ["bad_file", "unsupported_file_type"]

    /// Rejected events (file codes excluded).
    public var rejectedEvents: Int {
        WorkloadSummary.eventReasonCodes.reduce(0) { $0 + (rejectedByCode[$1] ?? 0) }
    }

    /// An empty summary with every code and status present.
    static func empty(orderStatuses: [String], returnStatuses: [String]) -> WorkloadSummary {
        let codes = eventReasonCodes + fileReasonCodes
        return WorkloadSummary(
            files: 0, events: 0, applied: 0, duplicate: 0,
            rejectedByCode: Dictionary(uniqueKeysWithValues: codes.map { ($0, 0) }),
            badFiles: 0,
            ordersByStatus: Dictionary(uniqueKeysWithValues: orderStatuses.map { ($0, 0) }),
            returnsByStatus: Dictionary(uniqueKeysWithValues: returnStatuses.map { ($0, 0) }),
            refunds: 0, refundPaiseTotal: 0, invoices: 0, invoicesIncomplete: 0)
    }
}
