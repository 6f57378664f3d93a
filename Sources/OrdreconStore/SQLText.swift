import OrdreconCore

// Names stored as text in the database, as literals: bound without a copy.

extension Outcome {
    var sqlText: StaticString {
        switch self {
        case .applied: "applied"
        case .duplicate: "duplicate"
        case .rejected: "rejected"
        }
    }
}

extension OrderStatus {
    var sqlText: StaticString {
        switch self {
        case .pendingPayment: "PENDING_PAYMENT"
        case .paid: "PAID"
        case .processingInWarehouse: "PROCESSING_IN_WAREHOUSE"
        case .shipped: "SHIPPED"
        case .delivered: "DELIVERED"
        case .cancelled: "CANCELLED"
        }
    }
}

extension ReturnStatus {
    var sqlText: StaticString {
        switch self {
        case .requested: "REQUESTED"
        case .approved: "APPROVED"
        case .inTransit: "IN_TRANSIT"
        case .received: "RECEIVED"
        case .completed: "COMPLETED"
        case .rejected: "REJECTED"
        }
    }
}
