/// Where a refund stands in its delivery to the payment gateway (the `refunds.status` column).
public enum RefundStatus: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Recorded, not accepted by the gateway yet: it is sent (again) on its schedule.
    case pending
    /// The gateway accepted it (2xx); never sent again.
    case sent
    /// The gateway refused it for good, or it was given up: a person must look
    /// (`ordrecon refunds retry` queues it again with the same key and body).
    case failed

    /// In the order of `allCases` (pending, sent, failed), for tables and metrics.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
