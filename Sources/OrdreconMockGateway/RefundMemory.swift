import Foundation
import OrdreconCore

/// What the mock remembers about refund requests: the keys it processed with their first body
/// and answer, request counts, and the last gateway id given out.
struct RefundMemory: Sendable {
    /// What the mock keeps for a key it processed.
    struct Remembered: Sendable {
        var body: Data
        var status: Int
        var answer: Data
        var fields: RefundRequest.Fields
    }

    /// Processed keys.
    private(set) var remembered: [String: Remembered] = [:]
    /// Requests per key, counting every refund request that carried it.
    private(set) var requestsByKey: [String: Int] = [:]
    /// Every refund request seen.
    private(set) var requests = 0
    private var lastGatewayID = 0

    /// Counts one refund request.
    mutating func count(key: String?) {
        requests += 1
        if let key, !key.isEmpty { requestsByKey[key, default: 0] += 1 }
    }

    /// Keeps the first answer to `key`.
    mutating func remember(key: String, body: Data, status: Int, answer: Data) {
        remembered[key] = Remembered(body: body, status: status, answer: answer, fields: RefundRequest.fields(of: body))
    }

    /// The next gateway refund id: `gw_000001`, `gw_000002`, …
    mutating func nextGatewayID() -> String {
        lastGatewayID += 1
        let digits = String(lastGatewayID)
        return "gw_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Replays one journal line: counts it, and remembers the key of an accepted or invalid
    /// request (the first such line per key), so replays after a restart answer as before.
    mutating func restore(_ entry: MockJournal.Entry) {
        count(key: entry.key)
        guard let key = entry.key, !key.isEmpty, entry.outcome == .accepted || entry.outcome == .invalid,
            remembered[key] == nil
        else { return }
        let answer = Data(entry.answer.utf8)
        remember(key: key, body: Data(entry.body.utf8), status: entry.status, answer: answer)
        if entry.outcome == .accepted, let id = (try? JSONValue.parse(answer))?.members?["id"]?.stringValue,
            id.hasPrefix("gw_"), let number = Int(id.dropFirst(3))
        {
            lastGatewayID = max(lastGatewayID, number)
        }
    }
}
