/// The five default feeds of the contract, with their default `allow` lists.
enum Feed: Int, CaseIterable, Sendable {
    case storefront, payments, warehouse, carrier, returnsDesk

    /// The feed's folder name under `inbox/`.
    var name: String {
        switch self {
        case .storefront: "storefront"
        case .payments: "payments"
        case .warehouse: "warehouse"
        case .carrier: "carrier"
        case .returnsDesk: "returns-desk"
        }
    }

    /// Whether the contract's default configuration lets this feed send `entity:status`.
    func allows(entity: String, status: String) -> Bool {
        switch (self, entity, status) {
        case (.storefront, "order", "PENDING_PAYMENT"), (.storefront, "order", "CANCELLED"),
            (.storefront, "return", "REQUESTED"),
            (.payments, "order", "PAID"),
            (.warehouse, "order", "PROCESSING_IN_WAREHOUSE"), (.warehouse, "order", "SHIPPED"),
            (.warehouse, "return", "RECEIVED"),
            (.carrier, "order", "DELIVERED"), (.carrier, "return", "IN_TRANSIT"),
            (.returnsDesk, "return", "APPROVED"), (.returnsDesk, "return", "REJECTED"),
            (.returnsDesk, "return", "COMPLETED"):
            true
        default:
            false
        }
    }

    /// The partner's id for its `number`th event: `SF-000000123`; the carrier uses bare numbers.
    func eventId(_ number: Int) -> String {
        switch self {
        case .storefront: "SF-" + zeroPadded(number, 9)
        case .payments: "PG-" + zeroPadded(number, 9)
        case .warehouse: "WH-" + zeroPadded(number, 9)
        case .carrier: String(710_000_000 + number)
        case .returnsDesk: "RD-" + zeroPadded(number, 9)
        }
    }
}
