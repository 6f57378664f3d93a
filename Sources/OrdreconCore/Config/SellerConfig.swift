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

    public static let defaults = SellerConfig(
        name: "Ordrecon Demo Retail Pvt. Ltd.",
        addressLines: ["No. 12, 4th Cross, Indiranagar", "Bengaluru 560038, Karnataka, India"],
        gstin: "29AAACO1234R1Z3", state: IndianState(code: "KA")!)

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

extension Reader {
    /// Reads and checks `[seller]`.
    func seller() throws(ConfigurationError) -> SellerConfig {
        let d = SellerConfig.defaults
        let name = try string(["seller", "name"], default: d.name, expected: "the seller's registered name")
        if name.value.trimmingSpaces().isEmpty {
            throw invalid(["seller", "name"], name.source, expected: "the seller's registered name", because: "it is empty")
        }
        var lines = d.addressLines
        let addressExpectation = "an array of address lines, e.g. [\"12 MG Road\", \"Bengaluru 560001\"]"
        if let value = source(["seller", "address"]) {
            guard let entries = value.arrayValue, !entries.isEmpty, entries.count <= 6 else {
                throw invalid(["seller", "address"], value, expected: addressExpectation + " (1 to 6 lines)")
            }
            lines = []
            for (index, entry) in entries.enumerated() {
                guard let text = entry.stringValue, !text.trimmingSpaces().isEmpty else {
                    throw invalid(["seller", "address"], entry, suffix: "[\(index)]", expected: "a non-empty string")
                }
                lines.append(text)
            }
        }
        let gstinExpectation = "a 15-character GSTIN such as \"29AAACO1234R1Z3\""
        let gstin = try string(["seller", "gstin"], default: d.gstin, expected: gstinExpectation)
        if let problem = GSTIN.problem(gstin.value) {
            throw invalid(["seller", "gstin"], gstin.source, expected: gstinExpectation, because: problem)
        }
        let stateExpectation = "an Indian state code such as \"KA\""
        let stateText = try string(["seller", "state"], default: d.state.code, expected: stateExpectation)
        guard let state = IndianState(code: stateText.value) else {
            throw invalid(["seller", "state"], stateText.source, expected: stateExpectation, because: "unknown state code")
        }
        if GSTIN.stateCode(gstin.value) != state.gstCode {
            throw invalid(
                ["seller", "state"], stateText.source ?? gstin.source,
                expected: "the state of the GSTIN (its first two digits, \(GSTIN.stateCode(gstin.value)))",
                because: "\(state.name) has GST state code \(state.gstCode)")
        }
        return SellerConfig(name: name.value, addressLines: lines, gstin: gstin.value, state: state)
    }
}
