/// `[seller]`: the supplier printed on tax invoices and credit notes.
public struct SellerConfig: Sendable, Equatable {
    /// `name`: the registered name.
    public var name: String
    /// `address`: the address, one string per printed line.
    public var addressLines: [String]
    /// `gstin`: the 15-character GST identification number (its check character is verified).
    public var gstin: String
    /// `state`: the state the seller is registered in (two-letter code, e.g. "KA"); must agree
    /// with the GSTIN's first two digits. Decides CGST + SGST (same state) or IGST.
    public var state: IndianState

    /// The sample seller of the default file.
    public static let defaults = Configuration.builtInDefaults.seller

    public init(name: String, addressLines: [String], gstin: String, state: IndianState) {
        self.name = name
        self.addressLines = addressLines
        self.gstin = gstin
        self.state = state
    }

    /// The seller as a tax document prints it.
    public var documentSeller: TaxDocument.Seller {
        TaxDocument.Seller(name: name, addressLines: addressLines, gstin: gstin, state: state)
    }
}

extension SellerConfig {
    /// Reads `[seller]`; the state must be the GSTIN's.
    init(_ t: TableReader) throws(ConfigurationError) {
        let name = try t.text(
            "name", default: "Ordrecon Demo Retail Pvt. Ltd.", accepts: "the seller's registered name",
            doc: "the seller's registered name, printed on invoices and credit notes",
            comment: [
                "The supplier printed on tax invoices and credit notes (CGST Rules, rule 46). The state",
                "(two-letter code) must be the GSTIN's (its first two digits); orders shipped to the same",
                "state are taxed CGST + SGST, others IGST. Replace these sample values with your own.",
            ])
        if name.value.trimmingSpaces().isEmpty { throw t.invalid(name, because: "it is empty") }
        self.name = name.value
        addressLines = try t.lines(
            "address", count: 1...6,
            accepts: "an array of address lines, e.g. [\"12 MG Road\", \"Bengaluru 560001\"] (1 to 6 lines)",
            default: ["No. 12, 4th Cross, Indiranagar", "Bengaluru 560038, Karnataka, India"],
            doc: "the address, one string per printed line"
        ).value
        let gstin = try t.text(
            "gstin", default: "29AAACO1234R1Z3", accepts: "a 15-character GSTIN such as \"29AAACO1234R1Z3\"",
            doc: "the seller's GSTIN; its length, state code, PAN shape and check character are checked")
        if let problem = GSTIN.problem(gstin.value) { throw t.invalid(gstin, because: problem) }
        self.gstin = gstin.value
        let stateText = try t.text(
            "state", default: "KA", accepts: "an Indian state code such as \"KA\"",
            doc: "the GSTIN's state (two-letter code); same state as the buyer: CGST + SGST, else IGST")
        guard let state = IndianState(code: stateText.value) else {
            throw t.invalid(stateText, because: "unknown state code")
        }
        if GSTIN.stateCode(gstin.value) != state.gstCode {
            throw t.invalid(
                stateText.key, stateText.source ?? gstin.source,
                expected: "the state of the GSTIN (its first two digits, \(GSTIN.stateCode(gstin.value)))",
                because: "\(state.name) has GST state code \(state.gstCode)")
        }
        self.state = state
    }
}
