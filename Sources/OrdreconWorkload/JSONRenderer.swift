import OrdreconCore

/// How one JSON or JSON Lines file looks.
struct JSONStyle {
    /// JSON Lines (one object per line) instead of one document.
    var lines = false
    /// `{"events": [...]}` instead of a top-level array.
    var wrapped = false
    /// One key per line, indented (JSON documents only).
    var pretty = false
    /// Digit-only ids are written as JSON integers.
    var numericIds = false
    /// Absent optional fields are sometimes written as `null`.
    var nulls = false
    var crlf = false
}

/// Writes events as a JSON document (array or `{"events": [...]}`) or as JSON Lines.
struct JSONRenderer {
    var style: JSONStyle
    private var scratch: [UInt8] = []

    init(style: JSONStyle) {
        self.style = style
        scratch.reserveCapacity(1024)
    }

    func begin(into sink: FileSink) {
        guard !style.lines else { return }
        sink.buffer.append(contentsOf: (style.wrapped ? "{\"events\": [" : "[").utf8)
        newline(sink)
    }

    func end(into sink: FileSink) {
        guard !style.lines else { return }
        newline(sink)
        sink.buffer.append(contentsOf: (style.wrapped ? "]}" : "]").utf8)
        newline(sink)
    }

    /// Writes one event; `first` tells whether a separating comma is needed.
    mutating func write(_ e: WorkloadEvent, first: Bool, into sink: FileSink, rng: inout SplitMix64) {
        if !style.lines, !first {
            sink.buffer.append(UInt8(ascii: ","))
            newline(sink)
        }
        scratch.removeAll(keepingCapacity: true)
        object(e, &scratch, rng: &rng)
        if style.lines, e.renderFault == .jsonlNotJSON {
            // A line cut off in the middle (an interrupted writer): not JSON.
            var cut = scratch.count * 55 / 100
            while cut > 1, scratch[cut] >= 0x80 || scratch[cut - 1] >= 0x80 { cut -= 1 }
            sink.buffer.append(contentsOf: scratch[0..<cut])
        } else {
            sink.buffer.append(contentsOf: scratch)
        }
        if style.lines { newline(sink) }
    }

    private func newline(_ sink: FileSink) {
        if style.crlf { sink.buffer.append(UInt8(ascii: "\r")) }
        sink.buffer.append(UInt8(ascii: "\n"))
    }

    // MARK: - Objects

    private func object(_ e: WorkloadEvent, _ out: inout [UInt8], rng: inout SplitMix64) {
        let pretty = style.pretty && !style.lines
        let separator = pretty ? ",\n    " : ","
        out.append(contentsOf: (pretty ? "  {\n    " : "{").utf8)
        var first = true
        func key(_ name: String, _ out: inout [UInt8]) {
            if !first { out.append(contentsOf: separator.utf8) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: (pretty ? "\": " : "\":").utf8)
        }
        func text(_ name: String, _ value: String?, id: Bool = false, _ out: inout [UInt8], rng: inout SplitMix64) {
            guard let value else {
                if style.nulls, rng.chance(0.3) {
                    key(name, &out)
                    out.append(contentsOf: "null".utf8)
                }
                return
            }
            key(name, &out)
            if id, style.numericIds, isDigits(value), rng.chance(0.7) {
                out.append(contentsOf: value.utf8)
            } else {
                JSONText.appendString(value, to: &out)
            }
        }

        text("event_id", e.eventId, id: true, &out, rng: &rng)
        text("entity", e.entity, &out, rng: &rng)
        text("order_id", e.orderId, id: true, &out, rng: &rng)
        if e.entity == "return" || e.returnId != nil { text("return_id", e.returnId, id: true, &out, rng: &rng) }
        if e.renderFault == .jsonWrongType, e.amount == nil, e.items.isEmpty {
            key("status", &out)
            out.append(UInt8(ascii: "["))
            JSONText.appendString(e.status, to: &out)
            out.append(UInt8(ascii: "]"))
        } else {
            text("status", e.status, &out, rng: &rng)
        }
        if let timeText = e.timeText {
            key("occurred_at", &out)
            JSONText.appendString(timeText, to: &out)
        } else {
            key("occurred_at", &out)
            out.append(UInt8(ascii: "\""))
            e.timeStyle.append(e.time, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if e.actor != nil { text("actor", e.actor, &out, rng: &rng) }
        text("reason", e.reason, &out, rng: &rng)
        if e.customerId != nil { text("customer_id", e.customerId, id: true, &out, rng: &rng) }
        if e.shipToState != nil { text("ship_to_state", e.shipToState, &out, rng: &rng) }
        if e.status == "PENDING_PAYMENT" {
            // The invoice fields (absent ones sometimes null, as partners send them).
            text("customer_name", e.customerName, &out, rng: &rng)
            text("billing_address", e.billingAddress, &out, rng: &rng)
            text("billing_state", e.billingState, &out, rng: &rng)
            text("customer_gstin", e.customerGstin, &out, rng: &rng)
        }
        if e.currency != nil { text("currency", e.currency, &out, rng: &rng) }
        if let amountText = e.amountText {
            key("amount", &out)
            JSONText.appendString(amountText, to: &out)
        } else if let amount = e.amount {
            key("amount", &out)
            if e.renderFault == .jsonWrongType {
                out.append(contentsOf: "{\"value\": \"".utf8)
                out.append(contentsOf: rupees(amount).utf8)
                out.append(contentsOf: "\", \"currency\": \"INR\"}".utf8)
            } else if rng.chance(0.5) {
                out.append(contentsOf: rupees(amount).utf8)
            } else {
                JSONText.appendString(rupees(amount), to: &out)
            }
        }
        if e.paymentRef != nil || e.status == "PAID" { text("payment_ref", e.paymentRef, &out, rng: &rng) }
        if e.carrier != nil { text("carrier", e.carrier, &out, rng: &rng) }
        if e.trackingNumber != nil { text("tracking_number", e.trackingNumber, id: true, &out, rng: &rng) }
        if !e.items.isEmpty {
            key("items", &out)
            let wrongType = e.renderFault == .jsonWrongType && e.amount == nil
            if !wrongType { out.append(UInt8(ascii: "[")) }
            for (i, item) in e.items.enumerated() {
                if wrongType, i > 0 { break }
                if i > 0 { out.append(contentsOf: (pretty ? ", " : ",").utf8) }
                itemObject(item, &out, rng: &rng)
            }
            if !wrongType { out.append(UInt8(ascii: "]")) }
        }
        out.append(contentsOf: (pretty ? "\n  }" : "}").utf8)
    }

    private func itemObject(_ item: EventItem, _ out: inout [UInt8], rng: inout SplitMix64) {
        out.append(contentsOf: "{\"sku\":".utf8)
        JSONText.appendString(item.sku, to: &out)
        if let name = item.productName {
            out.append(contentsOf: ",\"description\":".utf8)
            JSONText.appendString(name, to: &out)
        }
        out.append(contentsOf: ",\"quantity\":".utf8)
        if let text = item.quantityText {
            JSONText.appendString(text, to: &out)
        } else if rng.chance(0.1) {
            JSONText.appendString(String(item.quantity), to: &out)
        } else {
            out.append(contentsOf: String(item.quantity).utf8)
        }
        if let text = item.unitPriceText {
            out.append(contentsOf: ",\"unit_price\":".utf8)
            JSONText.appendString(text, to: &out)
        } else if let price = item.unitPrice {
            out.append(contentsOf: ",\"unit_price\":".utf8)
            if rng.chance(0.6) {
                out.append(contentsOf: rupees(price).utf8)
            } else {
                JSONText.appendString(rupees(price), to: &out)
            }
        }
        if let hsn = item.hsn {
            out.append(contentsOf: ",\"hsn\":".utf8)
            JSONText.appendString(hsn, to: &out)
        }
        if let rate = item.gstRate {
            out.append(contentsOf: ",\"gst_rate\":".utf8)
            if rng.chance(0.2) {
                JSONText.appendString(String(rate), to: &out)
            } else {
                out.append(contentsOf: String(rate).utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    private func isDigits(_ value: String) -> Bool {
        guard let first = value.utf8.first, first != UInt8(ascii: "0") else { return false }
        return value.utf8.count <= 15 && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
