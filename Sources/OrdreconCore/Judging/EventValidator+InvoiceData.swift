/// The optional invoice data of an order's `PENDING_PAYMENT` event (contract §8): checked in
/// step 3 (`invalid_value`), after the fields every event has.
///
/// Length bounds, in Unicode characters (code points), so that a name in Greek or Devanagari
/// gets the same room as one in Latin letters:
/// - `customer_name` at most 120: the longest legal names in the GST registry are about 100
///   characters; the recipient block prints it on at most two lines.
/// - `billing_address` at most 400 in at most 8 lines: a full Indian postal address (house,
///   street, locality, landmark, city, district, PIN) takes 4 to 6 lines of about 40.
/// - item `description` at most 200: a product title, printed wrapped in its line of the table.
///
/// Longer text is refused rather than cut: a cut name or address on a tax invoice is wrong in a
/// way nobody notices, while a refusal tells the partner which field to fix. Control characters
/// are refused too (line breaks are allowed in the address only): they print as nothing or as
/// boxes.
extension EventValidator {
    static let maximumNameLength = 120
    static let maximumAddressLength = 400
    static let maximumAddressLines = 8
    static let maximumDescriptionLength = 200

    /// The buyer's invoice data, or the first field that is wrong (in the order name, address,
    /// state, GSTIN).
    func validateBuyer(_ raw: RawEvent) -> Result<InvoiceBuyer, Rejection> {
        var buyer = InvoiceBuyer()
        if let name = trimmed(raw[.customerName]) {
            if let problem = Self.textProblem(name, field: "customer_name", limit: Self.maximumNameLength) {
                return .failure(problem)
            }
            buyer.name = name
        }
        if let address = trimmed(raw[.billingAddress]) {
            if let problem = Self.textProblem(
                address, field: "billing_address", limit: Self.maximumAddressLength, allowsLineBreaks: true)
            {
                return .failure(problem)
            }
            let lines = InvoiceBuyer.lines(of: address)
            if lines.count > Self.maximumAddressLines {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "billing_address has \(lines.count) lines; at most \(Self.maximumAddressLines) are accepted (join short lines)"
                    ))
            }
            buyer.addressLines = lines
        }
        if let text = trimmed(raw[.billingState]) {
            guard let state = IndianState(code: text) else {
                return .failure(
                    Rejection(
                        .invalidValue,
                        "billing_state \(quoted(text)) is not an Indian state code (expected a code such as KA, MH, DL)"
                    ))
            }
            buyer.state = state.code
        }
        if let gstin = trimmed(raw[.customerGSTIN]) {
            if let problem = GSTIN.problem(gstin) {
                return .failure(Rejection(.invalidValue, "customer_gstin \(quoted(gstin)) is not valid: \(problem)"))
            }
            buyer.gstin = gstin
        }
        return .success(buyer)
    }

    /// An item's `description`, or why it is refused.
    func validateDescription(_ raw: RawItem, number: Int) -> Result<String?, Rejection> {
        guard let text = trimmed(raw[.description]) else { return .success(nil) }
        if let problem = Self.textProblem(
            text, field: "item \(number): description", limit: Self.maximumDescriptionLength)
        {
            return .failure(problem)
        }
        return .success(text)
    }

    /// Too long, or holding a control character (other than tab, and line breaks where allowed).
    static func textProblem(_ text: String, field: String, limit: Int, allowsLineBreaks: Bool = false)
        -> Rejection?
    {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            let value = scalar.value
            let isLineBreak = value == 0x0A || value == 0x0D
            if (value < 0x20 && value != 0x09 && !(isLineBreak && allowsLineBreaks)) || (0x7F...0x9F).contains(value) {
                let what = isLineBreak ? "a line break" : "a control character (U+\(hex(value)))"
                return Rejection(.invalidValue, "\(field) holds \(what) at character \(count); remove it")
            }
        }
        if count > limit {
            return Rejection(
                .invalidValue, "\(field) is \(count) characters long; at most \(limit) are accepted (shorten it)")
        }
        return nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension ContentHasher {
    /// Feeds an order's invoice data, after everything that was hashed before it existed, and
    /// only when there is some: an event without it hashes exactly as it always did (stored
    /// hashes stay valid), and one with it never hashes like the same event without it.
    mutating func combineInvoiceData(_ event: FeedEvent) {
        let descriptions = event.items.sorted(by: { $0.sku < $1.sku }).map(\.description)
        let hasDescriptions = descriptions.contains { $0 != nil }
        guard !event.buyer.isEmpty || hasDescriptions else { return }
        combine(nil as String?)
        combine(Int64(0x696E_766F_6963_6531))  // "invoice1": a version tag for this block
        combine(event.buyer.name)
        combine(event.buyer.address)
        combine(event.buyer.state)
        combine(event.buyer.gstin)
        for description in descriptions { combine(description) }
    }
}
