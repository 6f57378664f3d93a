public import Foundation

/// Checks one raw event's fields (contract steps 1–3 that need no state) and builds a ``FeedEvent``.
public struct EventValidator: Sendable {
    public var feed: String
    public var zone: TimeZone
    private let rules: ZoneRules

    public init(feed: String, zone: TimeZone) {
        self.feed = feed
        self.zone = zone
        self.rules = ZoneRules(zone)
    }

    /// Validates `raw`.
    /// - Returns: the event, or the first refusal in contract order (`malformed`, then
    ///   `missing_field`, then `invalid_value`).
    public func validate(_ raw: RawEvent) -> Result<FeedEvent, Rejection> {
        // Step 1: malformed.
        if let why = raw.malformed { return .failure(Rejection(.malformed, why)) }

        // Step 2: missing fields. What a status requires is known only if entity and status parse.
        for field in EventField.requiredColumns where value(raw, field) == nil {
            return .failure(missing(field.name))
        }
        let entityText = value(raw, .entity)!
        let statusText = value(raw, .status)!
        let entity = Entity(caseInsensitive: entityText)
        var status: EventStatus?
        switch entity {
        case .order: status = OrderStatus(caseInsensitive: statusText).map(EventStatus.order)
        case .return: status = ReturnStatus(caseInsensitive: statusText).map(EventStatus.return)
        case nil: status = nil
        }
        if entity == .return, value(raw, .returnId) == nil { return .failure(missing("return_id")) }
        if let status {
            if let rejection = checkRequired(raw, for: status) { return .failure(rejection) }
        }

        // Step 3: invalid values.
        guard let entity else {
            return .failure(
                Rejection(.invalidValue, "entity \(quoted(entityText)) is unknown (expected order or return)"))
        }
        guard let status else {
            let names =
                entity == .order
                ? OrderStatus.allCases.map(\.rawValue) : ReturnStatus.allCases.map(\.rawValue)
            return .failure(
                Rejection(
                    .invalidValue,
                    "status \(quoted(statusText)) is not a\(entity == .order ? "n order" : " return") status (expected one of \(names.joined(separator: ", ")))"
                ))
        }
        let occurredText = value(raw, .occurredAt)!
        let occurredAt: Timestamp
        do {
            occurredAt = try Timestamp(iso8601: occurredText, rules: rules)
        } catch {
            return .failure(
                Rejection(
                    .invalidValue,
                    "occurred_at \(quoted(occurredText)) \(error.description) (expected \(Timestamp.expectedForm))"))
        }
        if let currency = value(raw, .currency), currency.uppercased() != "INR" {
            return .failure(Rejection(.invalidValue, "currency \(quoted(currency)) is not accepted (only INR)"))
        }
        var amount: Money?
        if let text = value(raw, .amount) {
            do { amount = try Money(parsing: text) } catch {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "amount \(quoted(text)) \(error.description) (expected rupees like 1299.50: not negative, at most 2 decimals, no exponent)"
                    ))
            }
        }
        var shipToState: String?
        if let text = value(raw, .shipToState) {
            guard let state = IndianState(code: text) else {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "ship_to_state \(quoted(text)) is not an Indian state code (expected a code such as KA, MH, DL)"
                    ))
            }
            shipToState = state.code
        }

        var buyer = InvoiceBuyer()
        if status == .order(.pendingPayment) {
            switch validateBuyer(raw) {
            case .failure(let rejection): return .failure(rejection)
            case .success(let given): buyer = given
            }
        }

        var items: [EventItem] = []
        let takesItems = status == .order(.pendingPayment) || status == .return(.requested)
        if takesItems {
            var seen = Set<String>()
            // An item without any value (JSON `{}`) is skipped here as in missingItemFields.
            for (index, rawItem) in raw.items.enumerated() where !rawItem.isEmpty {
                switch validateItem(rawItem, number: index + 1, needsPrice: status == .order(.pendingPayment)) {
                case .failure(let rejection): return .failure(rejection)
                case .success(let item):
                    if !seen.insert(item.sku).inserted {
                        return .failure(
                            Rejection(
                                .invalidValue,
                                "sku \(quoted(item.sku)) appears twice (each SKU once per event; put the total in quantity)"
                            ))
                    }
                    items.append(item)
                }
            }
            if status == .order(.pendingPayment), let rejection = EventValidator.checkOrderTotal(items) {
                return .failure(rejection)
            }
        }

        var event = FeedEvent(
            feed: feed,
            eventId: value(raw, .eventId)!,
            status: status,
            orderId: value(raw, .orderId)!,
            returnId: entity == .return ? value(raw, .returnId) : nil,
            occurredAt: occurredAt,
            actor: value(raw, .actor) ?? feed,
            reason: value(raw, .reason),
            customerId: value(raw, .customerId),
            shipToState: shipToState,
            amount: amount,
            paymentRef: value(raw, .paymentRef),
            carrier: value(raw, .carrier),
            trackingNumber: value(raw, .trackingNumber),
            buyer: buyer,
            items: items,
            contentHash: 0)
        event.contentHash = EventValidator.contentHash(of: event)
        return .success(event)
    }

    private func checkRequired(_ raw: RawEvent, for status: EventStatus) -> Rejection? {
        switch status {
        case .order(.cancelled), .return(.rejected):
            if value(raw, .reason) == nil { return missing("reason", why: "required for \(status.name)") }
        case .order(.paid):
            if value(raw, .amount) == nil { return missing("amount", why: "required for PAID") }
            if value(raw, .paymentRef) == nil { return missing("payment_ref", why: "required for PAID") }
        case .order(.pendingPayment):
            if value(raw, .customerId) == nil { return missing("customer_id", why: "required for PENDING_PAYMENT") }
            return missingItemFields(raw, fields: [.sku, .quantity, .unitPrice], status: status)
        case .return(.requested):
            return missingItemFields(raw, fields: [.sku, .quantity], status: status)
        default:
            break
        }
        return nil
    }

    private func missingItemFields(_ raw: RawEvent, fields: [ItemField], status: EventStatus) -> Rejection? {
        let items = raw.items.filter { !$0.isEmpty }
        if items.isEmpty {
            return missing(
                "items",
                why: "\(status.name) needs at least one item with \(fields.map(\.name).joined(separator: ", "))")
        }
        for (index, item) in raw.items.enumerated() where !item.isEmpty {
            for field in fields where trimmed(item[field]) == nil {
                return missing(field.name, why: "item \(index + 1) has none")
            }
        }
        return nil
    }

    private func validateItem(_ raw: RawItem, number: Int, needsPrice: Bool) -> Result<EventItem, Rejection> {
        let sku = trimmed(raw[.sku])!
        let quantityText = trimmed(raw[.quantity])!
        guard let quantity = Int64(quantityText), quantity > 0, quantity <= 1_000_000 else {
            return .failure(
                Rejection(
                    .invalidValue, "item \(number): quantity \(quoted(quantityText)) is not a positive whole number"))
        }
        var unitPrice: Money?
        if needsPrice, let text = trimmed(raw[.unitPrice]) {
            do { unitPrice = try Money(parsing: text) } catch {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "item \(number): unit_price \(quoted(text)) \(error.description) (expected rupees like 499.00: not negative, at most 2 decimals, no exponent)"
                    ))
            }
        }
        var rate: Int?
        if needsPrice, let text = trimmed(raw[.gstRate]) {
            guard let percent = try? Money(parsing: text), percent.paise <= 10_000 else {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "item \(number): gst_rate \(quoted(text)) is not a percentage between 0 and 100 (e.g. 18 or 12.5)"
                    ))
            }
            rate = Int(percent.paise)
        }
        var description: String?
        if needsPrice {
            switch validateDescription(raw, number: number) {
            case .failure(let rejection): return .failure(rejection)
            case .success(let text): description = text
            }
        }
        return .success(
            EventItem(
                sku: sku, quantity: quantity, unitPrice: unitPrice,
                hsn: needsPrice ? trimmed(raw[.hsn]) : nil, gstRateBasisPoints: rate, description: description))
    }

    /// An order's lines and total must stay within ``Money/maximum``, so that no sum or product
    /// made of them later (totals, refunds, tax) can overflow.
    static func checkOrderTotal(_ items: [EventItem]) -> Rejection? {
        var total: Int64 = 0
        for (index, item) in items.enumerated() {
            let (line, lineOverflow) = (item.unitPrice ?? .zero).paise.multipliedReportingOverflow(by: item.quantity)
            if lineOverflow || line > Money.maximum.paise {
                return Rejection(
                    .invalidValue,
                    "item \(index + 1): quantity × unit_price is more than the largest order total accepted (\(Money.maximum.decimalText) rupees)"
                )
            }
            let (sum, sumOverflow) = total.addingReportingOverflow(line)
            if sumOverflow || sum > Money.maximum.paise {
                return Rejection(
                    .invalidValue,
                    "the items add up to more than the largest order total accepted (\(Money.maximum.decimalText) rupees)"
                )
            }
            total = sum
        }
        return nil
    }

    /// The normalized content hash: same values in any file format give the same hash.
    static func contentHash(of event: FeedEvent) -> UInt64 {
        var hasher = ContentHasher()
        hasher.combine(event.entity.rawValue)
        hasher.combine(event.status.name)
        hasher.combine(event.orderId)
        hasher.combine(event.returnId)
        hasher.combine(event.occurredAt.milliseconds)
        hasher.combine(event.actor)
        hasher.combine(event.reason)
        hasher.combine(event.customerId)
        hasher.combine(event.shipToState)
        hasher.combine(event.amount?.paise ?? -1)
        hasher.combine(event.paymentRef)
        hasher.combine(event.carrier)
        hasher.combine(event.trackingNumber)
        for item in event.items.sorted(by: { $0.sku < $1.sku }) {
            hasher.combine(item.sku)
            hasher.combine(item.quantity)
            hasher.combine(item.unitPrice?.paise ?? -1)
            hasher.combine(item.hsn)
            hasher.combine(Int64(item.gstRateBasisPoints ?? -1))
        }
        hasher.combineInvoiceData(event)
        return hasher.value
    }

    private func value(_ raw: RawEvent, _ field: EventField) -> String? {
        trimmed(raw[field])
    }

    private func missing(_ name: String, why: String? = nil) -> Rejection {
        Rejection(.missingField, "\(name) is missing or empty" + (why.map { " (\($0))" } ?? ""))
    }
}

/// The value's text without surrounding spaces and tabs, or nil when that is empty.
@inline(__always)
func trimmed(_ value: RawValue?) -> String? {
    guard let text = value?.text, !text.isEmpty else { return nil }
    let ends =
        text.utf8.withContiguousStorageIfAvailable { bytes in (bytes.first, bytes.last) }
        ?? (text.utf8.first, text.utf8.last)
    guard let first = ends.0, let last = ends.1 else { return nil }
    if !isBlank(first) && !isBlank(last) { return text }
    let view = Substring(text).drop(while: { $0 == " " || $0 == "\t" })
    let result = view.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
    return result.isEmpty ? nil : String(result)
}

@inline(__always)
private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

/// A value for a message: quoted, control characters escaped, long text cut.
func quoted(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(80) {
        switch scalar {
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(scalar)
        }
    }
    if text.unicodeScalars.count > 80 { out += "…" }
    return "\"\(out)\""
}
