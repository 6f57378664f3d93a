// What every feed fuzz target shares: reading a whole input from memory the way the engine reads
// a file, the invariants every reader must keep, and validating each event. scripts/fuzz.sh
// compiles this file, one target file and Sources/OrdreconCore into one module, so the core's
// internal names are visible here.
import Foundation

/// Traps (libFuzzer then saves the input as a crash) when an invariant does not hold.
@inline(__always)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz invariant failed: \(message())") }
}

/// The readers, as the engine sees them.
protocol FuzzEventReader {
    mutating func next() throws -> RawEvent?
}

extension CSVEventReader: FuzzEventReader {}
extension JSONLinesEventReader: FuzzEventReader {}
extension JSONArrayEventReader: FuzzEventReader {}

/// One input, with the chunk sizes its sources hand bytes out in.
struct FuzzInput {
    let bytes: [UInt8]
    /// One read takes everything (the engine reads 256 KiB at a time; inputs are smaller).
    let wholeChunk = 1 << 20
    /// A small chunk size picked from the input's hash, so chunk edges fall everywhere.
    let smallChunk: Int
    /// The input's hash, to pick where to resume.
    let hash: UInt64

    init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        self.hash = hash
        smallChunk = [1, 2, 3, 5, 7, 16, 61, 300][Int(hash % 8)]
    }

    var size: Int64 { Int64(bytes.count) }

    func source(at offset: Int64 = 0, chunk: Int) -> InMemoryByteSource {
        InMemoryByteSource(bytes, position: Int(offset), chunkSize: chunk)
    }

    /// Which of `events` to resume after: one picked by the input's hash, and the last (after
    /// which nothing may follow). Reading is the costly part, so not every event is tried.
    func resumePoints(_ events: [RawEvent]) -> [Int] {
        guard !events.isEmpty else { return [] }
        let picked = Int((hash >> 8) % UInt64(events.count))
        return picked == events.count - 1 ? [picked] : [picked, events.count - 1]
    }
}

/// Reads every event, checking what holds for every format: reading ends (at most one event per
/// input byte), lines never go backwards, each event ends after the previous one and within
/// the input. `format` names the reader in messages.
func drain<Reader: FuzzEventReader>(
    _ reader: inout Reader, input: FuzzInput, startOffset: Int64, startLine: Int, format: String
) -> [RawEvent] {
    var events: [RawEvent] = []
    var offset = startOffset
    var line = startLine
    while true {
        let next: RawEvent?
        do {
            next = try reader.next()
        } catch {
            fatalError("fuzz invariant failed: \(format) reader threw after its pre-check passed: \(error)")
        }
        guard let event = next else { break }
        let number = events.count + 1
        require(number <= input.bytes.count + 1, "\(format): more events than input bytes (the reader does not end)")
        require(
            event.line >= line, "\(format) event \(number): line \(event.line) is before line \(line), where it started"
        )
        require(
            event.nextLine > event.line,
            "\(format) event \(number): next line \(event.nextLine) is not after its line \(event.line)")
        require(event.endOffset > offset, "\(format) event \(number): ends at \(event.endOffset), not after \(offset)")
        require(
            event.endOffset <= input.size,
            "\(format) event \(number): ends at \(event.endOffset), past the input's \(input.size) bytes")
        offset = event.endOffset
        line = event.nextLine
        events.append(event)
    }
    return events
}

/// Whether two reads gave the same event (`RawEvent` is not Equatable).
func same(_ a: RawEvent, _ b: RawEvent) -> Bool {
    a.line == b.line && a.values == b.values && a.items == b.items && a.malformed == b.malformed
        && a.sourceRows == b.sourceRows && a.sourceText == b.sourceText && a.endOffset == b.endOffset
        && a.nextLine == b.nextLine
}

func describe(_ event: RawEvent) -> String {
    "line \(event.line) next \(event.nextLine) end \(event.endOffset) malformed \(event.malformed ?? "-") "
        + "values \(event.values.map { $0?.text ?? "nil" }) items \(event.items.count) rows \(event.sourceRows)"
}

/// Traps unless `other` (another read of the same input) gave exactly `expected`.
func requireSame(_ other: [RawEvent], _ expected: [RawEvent], _ what: String) {
    require(other.count == expected.count, "\(what): \(other.count) events instead of \(expected.count)")
    for (k, (a, b)) in zip(other, expected).enumerated() {
        require(same(a, b), "\(what): event \(k + 1) differs:\n  got      \(describe(a))\n  expected \(describe(b))")
    }
}

/// What the engine does with each event after reading it: validate it (in the default zone,
/// Asia/Kolkata, and in a zone with daylight saving time), checking what a valid event promises,
/// then judge it.
enum Validation {
    static let validators: [EventValidator] = ["Asia/Kolkata", "America/New_York"].map { name in
        EventValidator(feed: "fuzz", zone: TimeZone(identifier: name) ?? TimeZone(secondsFromGMT: 19_800)!)
    }

    /// What judges a valid event first; against an empty state only a new order's total
    /// (quantity × unit price, summed) is worked out, which must not overflow.
    static let judge = Judge(
        zone: TimeZone(identifier: "Asia/Kolkata") ?? TimeZone(secondsFromGMT: 19_800)!, returnWindowDays: 30)
    static let everything = FeedPermissions(
        Set(
            OrderStatus.allCases.map { "order:\($0.rawValue)" } + ReturnStatus.allCases.map { "return:\($0.rawValue)" })
    )

    static func check(_ events: [RawEvent]) {
        for raw in events {
            for validator in validators {
                switch validator.validate(raw) {
                case .failure(let rejection):
                    require(!rejection.message.isEmpty, "rejection without a message (line \(raw.line))")
                case .success(let event):
                    require(raw.malformed == nil, "a malformed event validated (line \(raw.line))")
                    require(
                        !event.eventId.isEmpty && !event.orderId.isEmpty, "a valid event without ids (line \(raw.line))"
                    )
                    if let amount = event.amount {
                        require(
                            amount.paise >= 0 && amount <= Money.maximum + Money(paise: 99),
                            "amount \(amount.paise) paise accepted")
                    }
                    for item in event.items {
                        require((1...1_000_000).contains(item.quantity), "quantity \(item.quantity) accepted")
                        if let price = item.unitPrice {
                            require(price.paise >= 0, "unit price \(price.paise) accepted")
                        }
                        if let rate = item.gstRateBasisPoints {
                            require((0...10_000).contains(rate), "GST rate \(rate) accepted")
                        }
                    }
                    _ = try? judge.judge(event, allowed: everything, state: EmptyState())
                }
            }
        }
    }
}

/// No orders, no returns, nothing applied.
struct EmptyState: ReconciliationState {
    func appliedContentHash(feed: String, eventId: String) throws -> UInt64? { nil }
    func order(_ orderId: String) throws -> OrderSnapshot? { nil }
    func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? { nil }
    func orderLines(_ orderId: String) throws -> [OrderLine] { [] }
    func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64] { [:] }
    func returnItems(_ returnId: String) throws -> [String: Int64] { [:] }
}
