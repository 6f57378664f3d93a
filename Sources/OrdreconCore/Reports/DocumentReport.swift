/// What a pass of the document issuer did: the invoice and credit note PDFs it wrote.
public struct DocumentReport: Sendable, Equatable {
    public var invoices = 0
    public var creditNotes = 0
    /// Documents whose PDF could not be written (see the log), left for the next pass.
    public var failed = 0
    public var seconds: Double = 0
    public var bytes = 0

    public init() {}

    public var rendered: Int { invoices + creditNotes }

    public var json: JSONValue {
        .object([
            ("invoices", .int(Int64(invoices))), ("credit_notes", .int(Int64(creditNotes))),
            ("failed", .int(Int64(failed))), ("bytes", .int(Int64(bytes))),
            ("seconds", .string(JSONText.seconds(seconds))),
        ])
    }
}
