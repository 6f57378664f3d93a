import Foundation
import Logging
import OrdreconCore

/// The mock's mutable state (script queue, random generator, memory, journal) and the decision
/// for each refund request.
///
/// Requests on concurrent connections (one thread each) are decided one at a time, under a
/// lock: two requests with the same new key cannot both be accepted.
///
/// `@unchecked Sendable`, checked by hand: every method takes `lock` before it reads or writes a
/// `var`, and holds it for the whole decision (script, random draw, memory and the journal line
/// together), which a `Mutex` around one field could not cover; the `let`s are set once in
/// `init`. The mock is a test and sample tool, not part of a reconciliation.
final class MockGatewayState: @unchecked Sendable {
    private let lock = NSLock()
    private var script: [MockAnswer]
    private(set) var memory: RefundMemory
    /// Keys accepted whose answer is not sent yet (the mock is "still working" on them during
    /// its delay): another request with one of them gets 409.
    private var processing: Set<String> = []
    private var random: SplitMix64
    private let failRate: Double
    private let dropConnectionRate: Double
    private let delayMilliseconds: Int
    private let journal: MockJournal?
    private let logger: Logger

    /// Sets up the state from `options`, restoring the memory from the journal if there is one.
    ///
    /// - Throws: when the journal cannot be read or opened for appending.
    init(options: MockGatewayOptions, seed: UInt64, logger: Logger) throws {
        script = options.script
        random = SplitMix64(seed: seed)
        failRate = options.failRate
        dropConnectionRate = options.dropConnectionRate
        delayMilliseconds = options.delayMilliseconds
        self.logger = logger
        var memory = RefundMemory()
        if let path = options.journalPath {
            let (journal, entries, skipped) = try MockJournal.open(path: path)
            for entry in entries { memory.restore(entry) }
            if skipped > 0 {
                logger.warning(
                    "skipped unreadable journal lines", metadata: ["journal.path": "\(path)", "lines": "\(skipped)"])
            }
            logger.info(
                "journal restored",
                metadata: [
                    "journal.path": "\(path)", "requests": "\(memory.requests)", "keys": "\(memory.remembered.count)",
                ])
            self.journal = journal
        } else {
            self.journal = nil
        }
        self.memory = memory
    }

    /// What it remembers, as of now.
    func snapshot() -> RefundMemory {
        lock.withLock { memory }
    }

    /// The answer for a key being processed was sent (or given up): the key is done.
    func finishedProcessing(_ key: String) {
        lock.withLock { _ = processing.remove(key) }
    }

    /// Appends scripted answers to the queue.
    func enqueue(_ answers: [MockAnswer]) {
        lock.withLock { script.append(contentsOf: answers) }
    }

    /// Decides the answer to `POST /refunds`, remembers what it processed and journals it.
    ///
    /// Order: a scripted answer if one is queued for this key or any key; an injected failure (`failRate`); 409 when a
    /// request with this key is still being processed (its answer not sent yet: "come back
    /// later"); for a known key, a replay of the first answer (same body) or 422 (the key was used
    /// with another body: retrying cannot help); otherwise validation, remembered under the key
    /// either way, then perhaps a dropped connection (`dropConnectionRate`, only for a key seen
    /// first now, so a client that resends always gets to see the answer).
    func refund(key: String?, body: Data) -> MockReply {
        lock.withLock {
            memory.count(key: key)
            let reply = decide(key: key, body: body)
            journal(key: key, body: body, reply: reply)
            return reply
        }
    }

    private func decide(key: String?, body: Data) -> MockReply {
        // The first queued answer for this key, or for any key.
        if let index = script.firstIndex(where: { $0.key == nil || $0.key == key }) {
            return .scripted(script.remove(at: index))
        }
        var reply: MockReply
        var isNew = false
        if random.chance(failRate) {
            reply = .error(500, "injected failure", .injectedFailure)
        } else if let key, !key.isEmpty {
            if processing.contains(key) {
                reply = .error(
                    409, "a request with Idempotency-Key \"\(key)\" is still being processed; try again later",
                    .conflict)
                reply.headers.append(("Retry-After", "1"))
            } else if let known = memory.remembered[key] {
                if known.body == body {
                    reply = .json(known.status, known.answer, .replayed)
                    reply.headers.append(("Idempotent-Replayed", "true"))
                } else {
                    reply = .error(422, "Idempotency-Key \"\(key)\" was already used with a different body", .keyReused)
                }
            } else {
                reply = process(key: key, body: body)
                memory.remember(key: key, body: body, status: reply.status, answer: reply.body)
                isNew = true
                if delayMilliseconds > 0 {
                    processing.insert(key)
                    reply.processingKey = key
                }
            }
        } else {
            reply = .error(
                400, key == nil ? "the Idempotency-Key header is missing" : "the Idempotency-Key header is empty",
                .invalid)
        }
        reply.delayMilliseconds = delayMilliseconds
        reply.drop = isNew && random.chance(dropConnectionRate)
        return reply
    }

    private func process(key: String, body: Data) -> MockReply {
        switch RefundRequest.validate(key: key, body: body) {
        case .failure(let invalid):
            return .error(400, invalid.message, .invalid)
        case .success(let refund):
            let answer = AcceptedAnswer(
                id: memory.nextGatewayID(), refundID: refund.refundId, status: "accepted",
                amount: Int(refund.amount.paise))
            return .json(201, MockReply.encode(answer), .accepted)
        }
    }

    /// The body of a 201 answer: `{"amount":…,"id":"gw_000001","refund_id":…,"status":"accepted"}`.
    private struct AcceptedAnswer: Encodable {
        var id: String
        var refundID: String
        var status: String
        var amount: Int
        enum CodingKeys: String, CodingKey {
            case id, status, amount
            case refundID = "refund_id"
        }
    }

    private func journal(key: String?, body: Data, reply: MockReply) {
        guard let journal else { return }
        let entry = MockJournal.Entry(
            time: Timestamp(Date()).utcText,
            key: key, outcome: reply.outcome, status: reply.status,
            body: String(decoding: body, as: UTF8.self), answer: String(decoding: reply.body, as: UTF8.self),
            dropped: reply.drop)
        do {
            try journal.append(entry)
        } catch {
            logger.error(
                "cannot write the journal", metadata: ["journal.path": "\(journal.path)", "error": "\(error)"])
        }
    }
}
