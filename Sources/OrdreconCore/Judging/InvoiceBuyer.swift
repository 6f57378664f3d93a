/// The buyer's invoice data an order's `PENDING_PAYMENT` event may carry (all optional):
/// what rule 46 of the CGST Rules asks an invoice to name besides the customer id.
///
/// Kept as one value so that the order header, the stored columns and the tax document's
/// recipient are filled from the same normalized text.
public struct InvoiceBuyer: Sendable, Hashable {
    /// `customer_name`, as given (any script).
    public var name: String?
    /// `billing_address`, one line per entry: the given text split at its line breaks (LF, CRLF
    /// or CR), each line without surrounding blanks, empty lines dropped.
    public var addressLines: [String]
    /// `billing_state`, as its canonical two-letter code (`OR` becomes `OD`).
    public var state: String?
    /// `customer_gstin`: a registered buyer. Checked with ``GSTIN/problem(_:)``.
    public var gstin: String?

    public init(name: String? = nil, addressLines: [String] = [], state: String? = nil, gstin: String? = nil) {
        self.name = name
        self.addressLines = addressLines
        self.state = state
        self.gstin = gstin
    }

    /// Whether the event gave none of the fields (then its content hash is what it was before
    /// these fields existed).
    public var isEmpty: Bool { name == nil && addressLines.isEmpty && state == nil && gstin == nil }

    /// The address as stored: its lines joined with LF; nil when there is none.
    public var address: String? { addressLines.isEmpty ? nil : addressLines.joined(separator: "\n") }

    /// Splits a stored or given address into its non-empty, trimmed lines.
    public static func lines(of address: String?) -> [String] {
        guard let address else { return [] }
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in address.unicodeScalars {
            switch scalar {
            case "\r":
                lines.append(current)
                current = ""
                previousWasCR = true
                continue
            case "\n":
                if !previousWasCR {
                    lines.append(current)
                    current = ""
                }
            default:
                current.unicodeScalars.append(scalar)
            }
            previousWasCR = false
        }
        lines.append(current)
        return lines.compactMap { trimmed(RawValue($0)) }
    }
}
