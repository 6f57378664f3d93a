import Logging
import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file's events one at a time (CSV, JSON array, JSON Lines).
protocol EventReader {
    mutating func next() throws -> RawEvent?
}

extension RunEngine {
    /// Applies a claimed file's events from its saved position, in the run's open batch (see
    /// ``OpenBatch``): its audit records, state changes, side-effect records and the file's new
    /// position are committed together, every `batch_size` events and at the end of the run, so a
    /// crash at any moment loses nothing and repeats nothing. The caller has opened the batch.
    /// - Returns: the file's record, marked `done` in the open batch.
    ///
    /// With `dry` set (``dryRun(path:feed:)``) the same per-event code runs inside the caller's
    /// open transaction, which it neither commits nor ends: no batches, no progress, no `done`;
    /// `onVerdict` is told each event's verdict as it is recorded.
    func processEvents(
        _ file: InboxFile, path: String, record: FileRecord, dry: Bool = false,
        onVerdict: ((EventVerdictLine) -> Void)? = nil
    ) throws -> FileRecord {
        guard let format = FileFormat(rawValue: record.format) else {
            throw EngineError("file \(record.id) has unknown format \(record.format)")
        }
        var current = record
        var readingSince: Double?
        while true {
            let source = try FileByteSource(path: path, offset: current.resumeOffset)
            let sizeBefore = source.currentSize
            try drain(format, source: source, path: path, file: file, record: current, dry: dry, onVerdict: onVerdict)
            if dry { return try store.file(id: record.id)! }
            current = try store.file(id: record.id)!
            // The reader saw the end. Rows a writer still adds are read too, never left behind, but
            // a writer that never stops does not hold the run: the file waits for the next one,
            // resuming after what was read (kept in the batch).
            let time = SystemClock.monotonicSeconds()
            if readingSince == nil { readingSince = time }
            if time - readingSince! > settings.settleSeconds * 5 + 1 {
                throw FileStillBeingWritten(feed: file.feed, name: file.name, line: current.resumeLine)
            }
            if source.currentSize != sizeBefore { continue }
            // Waiting for a writer may take the settle time: not while holding the write lock.
            if source.hasWriters != false { try commitMidFile() }
            switch awaitQuiet(source, readOnGrowth: true) {
            case .quiet: break
            case .grown: continue
            case .busy:
                throw FileStillBeingWritten(feed: file.feed, name: file.name, line: current.resumeLine)
            }
            break
        }
        try store.markFileDone(record.id, at: now())
        return try store.file(id: record.id)!
    }

    /// Commits the batch in the middle of a file and opens the next one, in which the file goes on.
    func commitMidFile() throws {
        try commitBatch()
        try openBatch()
    }

    /// Reads the file's events from the record's position to the end of what is there now.
    private func drain(
        _ format: FileFormat, source: FileByteSource, path: String, file: InboxFile, record: FileRecord, dry: Bool,
        onVerdict: ((EventVerdictLine) -> Void)?
    ) throws {
        switch format {
        case .csv:
            var reader = try csvReader(path: path, source: source, record: record)
            try drain(
                &reader, file: file, record: record, csvColumns: record.csvHeader.map(parseHeaderRow)?.count, dry: dry,
                onVerdict: onVerdict)
        case .jsonl:
            var reader = JSONLinesEventReader(
                source: FileSource(file: source), startOffset: record.resumeOffset, startLine: max(1, record.resumeLine)
            )
            try drain(&reader, file: file, record: record, csvColumns: nil, dry: dry, onVerdict: onVerdict)
        case .json:
            let shape: JSONDocumentShape = record.jsonShape == "events" ? .eventsObject : .array
            var reader = JSONArrayEventReader(
                source: FileSource(file: source), shape: shape, startOffset: record.resumeOffset,
                startIndex: max(1, record.resumeLine))
            try drain(&reader, file: file, record: record, csvColumns: nil, dry: dry, onVerdict: onVerdict)
        }
    }

    /// How waiting for a file's writer ended.
    enum Quiet {
        /// Nobody writes to it any more.
        case quiet
        /// It grew meanwhile: read on.
        case grown
        /// Still written to after the settle time: leave it for the next run.
        case busy
    }

    /// Waits up to the settle time for the file to be quiet: nobody holding it open for writing
    /// (asked with a lease), or, where the kernel cannot tell, not modified for the settle time.
    /// - Parameter readOnGrowth: return `.grown` as soon as the file grows (else only `.quiet` or `.busy`).
    func awaitQuiet(_ source: FileByteSource, readOnGrowth: Bool) -> Quiet {
        let size = source.currentSize
        let deadline = SystemClock.monotonicSeconds() + settings.settleSeconds + 0.5
        while true {
            if readOnGrowth && source.currentSize != size { return .grown }
            switch source.hasWriters {
            case false?:
                return .quiet
            case nil:
                let age = Double(now().milliseconds) / 1000 - Double(source.currentModificationTime ?? 0) / 1e9
                if age >= settings.settleSeconds { return .quiet }
            case true?:
                break
            }
            if SystemClock.monotonicSeconds() >= deadline || shouldStop() { return .busy }
            usleep(20_000)
        }
    }

    private func drain<Reader: EventReader>(
        _ reader: inout Reader, file: InboxFile, record: FileRecord, csvColumns: Int?, dry: Bool,
        onVerdict: ((EventVerdictLine) -> Void)?
    ) throws {
        guard let feed = settings.feed(named: file.feed) else {
            throw EngineError("feed \(file.feed) is not configured")
        }
        let validator = EventValidator(feed: feed.name, zone: settings.zone)
        var context = BatchContext(
            fileId: record.id, feed: feed, permissions: FeedPermissions(feed.allowed), validator: validator,
            csvColumns: csvColumns)
        context.fileName = file.name
        // Asked once per file, not per event: the structured handler reads its level under a lock.
        context.logsEachEvent = logger.logLevel <= .debug
        context.logsRejections = logger.logLevel <= .notice
        context.onVerdict = onVerdict
        if let names = record.csvHeader.map(parseHeaderRow) {
            let lowered = names.map { String($0.trimmingBlanks).lowercased() }
            context.csvFieldColumns = EventField.allCases.map { lowered.firstIndex(of: $0.name) }
        }
        var offset = record.resumeOffset
        var line = record.resumeLine
        var counts = OutcomeCounts()
        var batchStarted = SystemClock.monotonicSeconds()
        var lastProgress = batchStarted
        var total = record.events
        let fileStarted = batchStarted

        /// Saves the file's position with the events since the last save, in the open batch.
        func keepProgress(at time: Double) throws {
            try store.saveProgress(
                record.id, resumeOffset: offset, resumeLine: line, counts: counts,
                busyMilliseconds: Int64((time - batchStarted) * 1000), runId: runId)
            batch.events += counts.events
            batch.refunds += context.refunds
            batch.invoices += context.invoices
            context.refunds.removeAll(keepingCapacity: true)
            context.invoices = 0
            total += counts.events
            progress?.fileRead(upTo: offset, newEvents: counts.events)
            counts = OutcomeCounts()
            batchStarted = time
        }

        // The look-ahead: events read but not handled yet, oldest first. The store is told of
        // them before the first is judged (``EventLedger/prefetch(feed:eventIds:orderIds:returnIds:)``),
        // so that a store behind a network learns in one query what judging them one by one
        // would ask event by event. It only reads ahead: each event is still handled in order,
        // with its own position, and never past the batch's end. A reading failure met ahead
        // is thrown once the events read before it are handled, where it would have been.
        var ahead: [RawEvent] = []
        var aheadIndex = 0
        var failureAhead: (any Error)?
        var readerEnded = false
        func nextRaw() throws -> RawEvent? {
            if aheadIndex == ahead.count {
                ahead.removeAll(keepingCapacity: true)
                aheadIndex = 0
                if let failure = failureAhead {
                    failureAhead = nil
                    throw failure
                }
                if readerEnded { return nil }
                let room =
                    dry
                    ? Self.lookAhead : min(Self.lookAhead, max(1, settings.batchSize - batch.events - counts.events))
                do {
                    while ahead.count < room, let raw = try reader.next() { ahead.append(raw) }
                    if ahead.count < room { readerEnded = true }
                } catch {
                    if ahead.isEmpty { throw error }
                    failureAhead = error
                }
                if !ahead.isEmpty && store.learnsAhead { try prefetch(ahead, feed: feed.name) }
            }
            guard aheadIndex < ahead.count else { return nil }
            aheadIndex += 1
            return ahead[aheadIndex - 1]
        }

        do {
            while let raw = try nextRaw() {
                let outcome = try handle(raw, context: &context)
                counts.add(outcome)
                offset = raw.endOffset
                line = raw.nextLine
                if !dry && batch.events + counts.events >= settings.batchSize {
                    let time = SystemClock.monotonicSeconds()
                    try keepProgress(at: time)
                    try commitMidFile()
                    if time - lastProgress >= 5 {
                        // The run's progress line says it for people; this is for following one file.
                        lastProgress = time
                        let rate = Double(total - record.events) / max(time - fileStarted, 0.001)
                        logger.debug("\(total) events so far (\(Int(rate))/s)", metadata: fileMetadata(file, record.id))
                    }
                    // Asked to stop: the batch in hand is committed; the file resumes from here.
                    if shouldStop() { throw RunInterrupted(feed: file.feed, file: file.name, line: line) }
                }
            }
            if dry { return }  // the caller's transaction holds everything and is rolled back
            try keepProgress(at: SystemClock.monotonicSeconds())
        } catch {
            if dry {
                store.rollback()
            } else if error is FileSystemError || error is FeedFileError {
                // The file's own reading failed between two events: what was read whole stays
                // recorded, with the position after it (the next run, or the refusal, goes on from
                // there). Any other failure ends the run, and the run undoes the batch.
                try keepProgress(at: SystemClock.monotonicSeconds())
            }
            throw error
        }
    }

    /// How many events the look-ahead reads before handling them (see ``drain(_:file:record:csvColumns:dry:onVerdict:)``).
    static let lookAhead = 2048

    /// Tells the store the ids the events read ahead name, as written (trimmed, as the
    /// validator takes them; an id that does not validate is merely looked up for nothing).
    private func prefetch(_ events: [RawEvent], feed: String) throws {
        func text(_ raw: RawEvent, _ field: EventField) -> String? {
            guard let value = raw[field]?.text.trimmingBlanks, !value.isEmpty else { return nil }
            return String(value)
        }
        var eventIds: [String] = []
        var orderIds: [String] = []
        var returnIds: [String] = []
        var shipping: [String] = []
        var returning: [String] = []
        var completing: [String] = []
        eventIds.reserveCapacity(events.count)
        orderIds.reserveCapacity(events.count)
        for raw in events where raw.malformed == nil {
            if let id = text(raw, .eventId) { eventIds.append(id) }
            let orderId = text(raw, .orderId)
            let returnId = text(raw, .returnId)
            if let orderId { orderIds.append(orderId) }
            if let returnId { returnIds.append(returnId) }
            // What the event may need beyond state, judged from its raw status (a hint only).
            guard let orderId, let status = text(raw, .status) else { continue }
            if let returnId {
                if status == ReturnStatus.requested.rawValue { returning.append(orderId) }
                if status == ReturnStatus.completed.rawValue {
                    returning.append(orderId)
                    completing.append(returnId)
                }
            } else if status == OrderStatus.shipped.rawValue {
                shipping.append(orderId)
            }
        }
        try store.prefetch(feed: feed, eventIds: eventIds, orderIds: orderIds, returnIds: returnIds)
        if !shipping.isEmpty || !returning.isEmpty {
            try store.prefetchDocuments(shipping: shipping, returning: returning, completing: completing)
        }
    }

    /// Judges one event and records it. - Returns: its outcome.
    private func handle(_ raw: RawEvent, context: inout BatchContext) throws -> Outcome {
        let recordedAt = now()
        let event: FeedEvent
        switch context.validator.validate(raw) {
        case .failure(let rejection):
            var entry = AuditEntry(runId: runId, fileId: context.fileId, feed: context.feed.name, outcome: .rejected)
            entry.line = raw.line
            describeRaw(raw, columns: context.csvFieldColumns, into: &entry)
            return try record(.rejected(rejection), entry: entry, raw: raw, context: &context, recordedAt: recordedAt)
        case .success(let validated):
            event = validated
        }
        // Step 4 is settled here: by the unique index when the verdict is `applied`, by a lookup otherwise.
        var verdict = try judge.judge(event, allowed: context.permissions, state: store, deferEventIdCheck: true)
        if case .applied(let change, let effects) = verdict {
            if let auditId = try store.recordAppliedAudit(
                event, runId: runId, fileId: context.fileId, line: raw.line, recordedAt: recordedAt)
            {
                // The catalog fills the lines as they are stored (the hash stays the event's own).
                var stored = event
                if case .createOrder = change { stored.items = settings.catalog.filling(event.items) }
                let made = try store.apply(stored, change: change, effects: effects, auditId: auditId, at: recordedAt)
                context.refunds += made.refunds
                context.invoices += made.invoiceNumbers.count
                context.onVerdict?(
                    EventVerdictLine(
                        line: raw.line, eventId: event.eventId, entity: event.entity.rawValue,
                        entityId: event.entityId, status: event.status.name, outcome: .applied))
                if context.logsEachEvent {
                    logger.debug(
                        "event applied: \(event.entity.rawValue) \(event.entityId) \(event.status.name)",
                        metadata: eventMetadata(context, line: raw.line, eventId: event.eventId))
                }
                return .applied
            }
            // This feed applied the event id before: step 4 decides.
            guard let earlier = try earlierEventVerdict(event) else {
                throw EngineError("event \(event.eventId): unique index conflict without an applied event")
            }
            verdict = earlier
        } else if verdict.dependsOnEventIdCheck, let earlier = try earlierEventVerdict(event) {
            verdict = earlier
        }
        var entry = AuditEntry(runId: runId, fileId: context.fileId, feed: context.feed.name, outcome: verdict.outcome)
        entry.line = raw.line
        describe(event, into: &entry)
        return try record(verdict, entry: entry, raw: raw, context: &context, recordedAt: recordedAt)
    }

    /// Step 4 of the contract: the verdict an earlier applied event with this id imposes, if any.
    private func earlierEventVerdict(_ event: FeedEvent) throws -> Verdict? {
        judge.eventIdVerdict(
            for: event, appliedContentHash: try store.appliedContentHash(feed: event.feed, eventId: event.eventId))
    }

    /// What every log line about one event carries: the run (as in the audit log), the feed, the
    /// file, the line and the event id.
    func eventMetadata(_ context: BatchContext, line: Int?, eventId: String?) -> Logger.Metadata {
        [
            "run.id": "\(runId)", "feed": "\(context.feed.name)", "file.name": "\(context.fileName)",
            "file.line": "\(line.map(String.init) ?? "")", "event.id": "\(eventId ?? "")",
        ]
    }

    /// Records a verdict that changes nothing (duplicate or rejected).
    private func record(
        _ verdict: Verdict, entry: AuditEntry, raw: RawEvent, context: inout BatchContext, recordedAt: Timestamp
    ) throws -> Outcome {
        var entry = entry
        switch verdict {
        case .applied:
            throw EngineError("record(_:) is for verdicts that change nothing")
        case .duplicate(let message):
            entry.outcome = .duplicate
            entry.message = message
            try store.recordAudit(entry, recordedAt: recordedAt)
        case .rejected(let rejection):
            entry.outcome = .rejected
            entry.reasonCode = rejection.code
            entry.message = rejection.message
            entry.contentHash = nil
            entry.rejectedRows = RejectionRows.rows(
                for: raw, csvColumnCount: context.csvColumns, code: rejection.code, message: rejection.message)
            try store.recordAudit(entry, recordedAt: recordedAt)
        }
        if let onVerdict = context.onVerdict {
            onVerdict(EventVerdictLine(entry))
        } else if case .rejected(let rejection) = verdict, context.logsRejections {
            var metadata = eventMetadata(context, line: entry.line, eventId: entry.eventId)
            metadata["reason.code"] = "\(rejection.code.rawValue)"
            logger.notice("event rejected: \(rejection.code.rawValue): \(rejection.message)", metadata: metadata)
        } else if case .duplicate = verdict, context.logsEachEvent {
            logger.debug(
                "event duplicate: \(entry.message ?? "")",
                metadata: eventMetadata(context, line: entry.line, eventId: entry.eventId))
        }
        return verdict.outcome
    }

    private func describe(_ event: FeedEvent, into entry: inout AuditEntry) {
        entry.eventId = event.eventId
        entry.entity = event.entity.rawValue
        entry.orderId = event.orderId
        entry.returnId = event.returnId
        entry.status = event.status.name
        entry.occurredAt = event.occurredAt
        entry.actor = event.actor == event.feed ? nil : event.actor  // NULL stands for the default
        entry.reason = event.reason
        entry.contentHash = event.contentHash
    }

    /// What can be said of an event that did not validate: its ids as given.
    /// For a CSV row that could not be split into fields, the values are taken from the row by
    /// header position (`columns`), where the row has them.
    private func describeRaw(_ raw: RawEvent, columns: [Int?]?, into entry: inout AuditEntry) {
        func text(_ field: EventField) -> String? {
            var value = raw[field]?.text
            if value == nil, let index = columns?[field.rawValue], let row = raw.sourceRows.first, index < row.count {
                value = row[index]
            }
            guard let trimmed = value?.trimmingBlanks, !trimmed.isEmpty else { return nil }
            return String(trimmed.prefix(200))
        }
        entry.eventId = text(.eventId)
        entry.entity = text(.entity)?.lowercased()
        entry.orderId = text(.orderId)
        entry.returnId = text(.returnId)
        entry.status = text(.status)?.uppercased()
        entry.actor = text(.actor)
    }
}
