import OrdreconCore

/// A CSV column of a feed file.
enum CSVColumn: Int, CaseIterable {
    case eventId, entity, orderId, returnId, status, occurredAt, actor, reason, customerId, shipToState
    case currency, amount, paymentRef, carrier, trackingNumber
    case customerName, billingAddress, billingState, customerGstin
    case sku, quantity, unitPrice, hsn, gstRate, description
    case unknown

    var isItem: Bool { rawValue >= CSVColumn.sku.rawValue && self != .unknown }

    /// The column's name in files: the contract's field names, from the core's field lists for
    /// the fields of sections 3 and 4, spelled out for the invoice fields of section 8.
    var name: String {
        switch self {
        case .unknown: "unknown"
        case .customerName: "customer_name"
        case .billingAddress: "billing_address"
        case .billingState: "billing_state"
        case .customerGstin: "customer_gstin"
        case .description: "description"
        case .sku, .quantity, .unitPrice, .hsn, .gstRate: ItemField(rawValue: rawValue - CSVColumn.sku.rawValue)!.name
        default: EventField(rawValue: rawValue)!.name
        }
    }
}

/// How one CSV file looks.
struct CSVStyle {
    var bom = false
    var crlf = false
    var quoteAll = false
    /// Name of an extra column ordrecon must ignore.
    var unknownColumn: String?
    /// Whether empty lines appear between some events.
    var blankLines = false
    var finalNewline = true
    /// Name to write instead of `occurred_at` (a broken header: `bad_file`).
    var occurredAtHeader = "occurred_at"
}

/// Writes events as RFC 4180 CSV: one row per event, or one row per item for events with items.
struct CSVRenderer {
    var style: CSVStyle
    private(set) var columns: [CSVColumn] = []

    init(style: CSVStyle) {
        self.style = style
    }

    /// Chooses the columns the events need, in a shuffled order, and writes the header.
    mutating func begin(_ events: [WorkloadEvent], into sink: FileSink, rng: inout SplitMix64) {
        var used = Set<CSVColumn>([.eventId, .entity, .orderId, .status, .occurredAt])
        for e in events {
            if e.returnId != nil { used.insert(.returnId) }
            if e.actor != nil { used.insert(.actor) }
            if e.reason != nil { used.insert(.reason) }
            if e.customerId != nil { used.insert(.customerId) }
            if e.shipToState != nil { used.insert(.shipToState) }
            if e.customerName != nil { used.insert(.customerName) }
            if e.billingAddress != nil { used.insert(.billingAddress) }
            if e.billingState != nil { used.insert(.billingState) }
            if e.customerGstin != nil { used.insert(.customerGstin) }
            if e.currency != nil { used.insert(.currency) }
            if e.amount != nil || e.amountText != nil { used.insert(.amount) }
            if e.paymentRef != nil { used.insert(.paymentRef) }
            if e.carrier != nil { used.insert(.carrier) }
            if e.trackingNumber != nil { used.insert(.trackingNumber) }
            for item in e.items {
                used.insert(.sku)
                used.insert(.quantity)
                if item.unitPrice != nil || item.unitPriceText != nil { used.insert(.unitPrice) }
                if item.hsn != nil { used.insert(.hsn) }
                if item.gstRate != nil { used.insert(.gstRate) }
                if item.productName != nil { used.insert(.description) }
            }
        }
        begin(using: used, into: sink, rng: &rng)
    }

    /// Writes the header of `used` columns (and the style's unknown one), in a shuffled order.
    mutating func begin(using used: Set<CSVColumn>, into sink: FileSink, rng: inout SplitMix64) {
        var used = used
        if style.unknownColumn != nil { used.insert(.unknown) }
        columns = CSVColumn.allCases.filter { used.contains($0) }
        rng.shuffle(&columns)

        if style.bom { sink.buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        for (i, column) in columns.enumerated() {
            if i > 0 { sink.buffer.append(UInt8(ascii: ",")) }
            let name =
                column == .unknown ? style.unknownColumn! : column == .occurredAt ? style.occurredAtHeader : column.name
            sink.buffer.append(contentsOf: name.utf8)
        }
        endLine(sink)
    }

    /// Writes one event (one or more rows).
    func write(_ e: WorkloadEvent, isLast: Bool, into sink: FileSink, rng: inout SplitMix64) {
        let channel = style.unknownColumn == nil ? nil : rng.pick(Catalog.channels)
        if e.items.isEmpty {
            writeRow(e, item: nil, continuation: nil, channel: channel, sink: sink, rng: &rng)
        } else {
            let mode = rng.int(0...2)
            for (k, item) in e.items.enumerated() {
                if k > 0 { endLine(sink) }
                writeRow(e, item: item, continuation: k == 0 ? nil : (k, mode), channel: channel, sink: sink, rng: &rng)
            }
        }
        if !isLast || style.finalNewline { endLine(sink) }
        if style.blankLines, !isLast, rng.chance(0.02) { endLine(sink) }
    }

    /// Writes one event of a file written as events come (its length unknown): a line break ends
    /// every event, and a blank line may come before any but the first.
    func writeStreamed(_ e: WorkloadEvent, first: Bool, into sink: FileSink, rng: inout SplitMix64) {
        if style.blankLines, !first, rng.chance(0.02) { endLine(sink) }
        write(e, isLast: true, into: sink, rng: &rng)
        if !style.finalNewline { endLine(sink) }
    }

    /// The columns a feed's events can fill (for a header written before the events are known).
    static func columns(of feed: Feed) -> Set<CSVColumn> {
        var used: Set<CSVColumn> = [.eventId, .entity, .orderId, .status, .occurredAt, .actor]
        switch feed {
        case .storefront:
            used.formUnion([.returnId, .reason, .customerId, .shipToState, .currency])
            used.formUnion([.customerName, .billingAddress, .billingState, .customerGstin])
            used.formUnion([.sku, .quantity, .unitPrice, .hsn, .gstRate, .description])
        case .payments: used.formUnion([.currency, .amount, .paymentRef])
        case .warehouse, .carrier: used.formUnion([.returnId, .carrier, .trackingNumber])
        case .returnsDesk: used.formUnion([.returnId, .reason])
        }
        return used
    }

    /// Writes one row without its line break. Continuation rows (`index` > 0) leave the event's
    /// other columns empty (`mode` 0), repeat them (1), or mix both (2).
    private func writeRow(
        _ e: WorkloadEvent, item: EventItem?, continuation: (index: Int, mode: Int)?, channel: String?,
        sink: FileSink, rng: inout SplitMix64
    ) {
        let count = e.renderFault == .csvMissingField ? columns.count - 1 : columns.count
        let badQuoteColumn: CSVColumn = e.reason != nil ? .reason : .status
        for i in 0..<count {
            let column = columns[i]
            if i > 0 { sink.buffer.append(UInt8(ascii: ",")) }
            var text: String?
            if column.isItem {
                text = item.flatMap { itemValue(column, $0) }
            } else if column == .unknown {
                text = channel
            } else {
                text = value(column, e)
            }
            if let (index, mode) = continuation, !column.isItem, column != .eventId {
                if e.renderFault == .csvConflictingContinuation, index == 1, column == .occurredAt {
                    text = e.timeStyle.string(e.time + 60)
                } else if mode == 0 || (mode == 2 && rng.chance(0.5)) {
                    text = nil
                }
            }
            if continuation == nil, e.renderFault == .csvBadQuote, column == badQuoteColumn, let bad = text {
                // Text after the closing quote: not RFC 4180.
                sink.buffer.append(UInt8(ascii: "\""))
                sink.buffer.append(contentsOf: bad.utf8)
                sink.buffer.append(contentsOf: "\" (resent)".utf8)
                continue
            }
            if let text { field(text, sink) }
        }
        if e.renderFault == .csvExtraField, continuation == nil {
            sink.buffer.append(contentsOf: ",x".utf8)
        }
    }

    private func value(_ column: CSVColumn, _ e: WorkloadEvent) -> String? {
        switch column {
        case .eventId: e.eventId
        case .entity: e.entity
        case .orderId: e.orderId
        case .returnId: e.returnId
        case .status: e.status
        case .occurredAt: e.timeText ?? e.timeStyle.string(e.time)
        case .actor: e.actor
        case .reason: e.reason
        case .customerId: e.customerId
        case .shipToState: e.shipToState
        case .currency: e.currency
        case .amount: e.amountText ?? e.amount.map(rupees)
        case .paymentRef: e.paymentRef
        case .carrier: e.carrier
        case .trackingNumber: e.trackingNumber
        case .customerName: e.customerName
        case .billingAddress: e.billingAddress
        case .billingState: e.billingState
        case .customerGstin: e.customerGstin
        default: nil
        }
    }

    private func itemValue(_ column: CSVColumn, _ item: EventItem) -> String? {
        switch column {
        case .sku: item.sku
        case .quantity: item.quantityText ?? String(item.quantity)
        case .unitPrice: item.unitPriceText ?? item.unitPrice.map(rupees)
        case .hsn: item.hsn
        case .gstRate: item.gstRate.map { String($0) }
        case .description: item.productName
        default: nil
        }
    }

    private func field(_ text: String, _ sink: FileSink) {
        var needsQuotes = style.quoteAll
        if !needsQuotes {
            for byte in text.utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            sink.buffer.append(contentsOf: text.utf8)
            return
        }
        sink.buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            sink.buffer.append(byte)
            if byte == 0x22 { sink.buffer.append(byte) }
        }
        sink.buffer.append(UInt8(ascii: "\""))
    }

    private func endLine(_ sink: FileSink) {
        if style.crlf { sink.buffer.append(UInt8(ascii: "\r")) }
        sink.buffer.append(UInt8(ascii: "\n"))
    }
}
