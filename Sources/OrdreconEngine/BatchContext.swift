import OrdreconCore

/// How a file is read, found by its pre-check and saved with its record.
struct FileLayout {
    var csvHeader: String?
    var jsonShape: String?
    var offset: Int64
    var line: Int
}

/// The state of the batch in hand.
struct BatchContext {
    var fileId: Int64
    var feed: EngineSettings.Feed
    var permissions: FeedPermissions
    var validator: EventValidator
    var csvColumns: Int?
    /// CSV: the column of each ``EventField`` in the header, if present.
    var csvFieldColumns: [Int?]?
    var fileName = ""
    /// Whether the logger takes `debug` (every event) and `notice` (rejected events) lines.
    var logsEachEvent = false
    var logsRejections = false
    var refunds: [RecordedRefund] = []
    var invoices = 0
    /// Told each event's verdict as it is recorded (dry runs only; nil in `run`).
    var onVerdict: ((EventVerdictLine) -> Void)?
}

/// Separates column names in the saved CSV header (a control character no header uses).
let headerSeparator = "\u{1F}"

func parseHeaderRow(_ text: String) -> [String] {
    text.components(separatedBy: headerSeparator)
}
