/// One step of a wave: the events of one kind, sent by one feed, written after the steps
/// they depend on.
enum Stage: Int, CaseIterable, Sendable {
    case orders, payments, cancellations, picking, dispatch, deliveries
    case returnRequests, returnDecisions, returnPickups, returnReceipts, returnRefunds

    var feed: Feed {
        switch self {
        case .orders, .cancellations, .returnRequests: .storefront
        case .payments: .payments
        case .picking, .dispatch, .returnReceipts: .warehouse
        case .deliveries, .returnPickups: .carrier
        case .returnDecisions, .returnRefunds: .returnsDesk
        }
    }

    /// The stage's part of a file name.
    var label: String {
        switch self {
        case .orders: "orders"
        case .payments: "payments"
        case .cancellations: "cancellations"
        case .picking: "picking"
        case .dispatch: "dispatch"
        case .deliveries: "deliveries"
        case .returnRequests: "return-requests"
        case .returnDecisions: "return-decisions"
        case .returnPickups: "return-pickups"
        case .returnReceipts: "return-receipts"
        case .returnRefunds: "return-refunds"
        }
    }
}

/// A feed file's format.
enum FileFormat: Sendable {
    case csv, json, jsonl
}
