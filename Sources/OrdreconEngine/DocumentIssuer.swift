public import Foundation
public import Logging
public import OrdreconCore
public import OrdreconInvoices
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the PDF of every invoice and credit note that has none yet, exactly once.
///
/// A document's number is fixed when its transition commits; its PDF is made afterwards, here,
/// from the stored order, so a crash between the two is repaired by the next pass. Each PDF is
/// written under a temporary name and linked into place without replacing anything; a file
/// already there with the same bytes (a crash after the link, before the record) is adopted,
/// one with other bytes is never overwritten (the document is reported and left for a person).
/// Rendering is deterministic, which is what makes that comparison meaningful.
public final class DocumentIssuer {
    /// What a pass did.
    public typealias Report = DocumentReport

    let store: any DocumentLedger
    let directory: String
    let seller: TaxDocument.Seller
    let zone: TimeZone
    let defaultGSTRateBasisPoints: Int
    let fontDirectory: String
    let logger: Logger
    let now: @Sendable () -> Timestamp
    /// Documents marked rendered per transaction (their files are flushed to disk first).
    let batchSize = 200
    /// Documents rendered at once (their PDFs are held in memory until placed).
    let renderGroup = 16
    /// Told of each group of PDFs written (a run's progress line); nil: nobody watches.
    public var progress: RunProgress?

    /// - Parameters:
    ///   - directory: the invoices folder; PDFs go to `<directory>/<financial year>/<number>.pdf`.
    ///   - defaultGSTRateBasisPoints: for invoices issued before they kept their own default.
    public init(
        store: any DocumentLedger, directory: String, seller: TaxDocument.Seller, zone: TimeZone,
        defaultGSTRateBasisPoints: Int,
        fontDirectory: String = TaxDocumentPDF.defaultFontDirectory, logger: Logger,
        now: @escaping @Sendable () -> Timestamp
    ) {
        self.store = store
        self.directory = directory
        self.seller = seller
        self.zone = zone
        self.defaultGSTRateBasisPoints = defaultGSTRateBasisPoints
        self.fontDirectory = fontDirectory
        self.logger = logger
        self.now = now
    }

    /// An issuer writing into the workspace's invoices folder for `[seller]`.
    public convenience init(
        configuration: Configuration, store: any DocumentLedger, logger: Logger,
        now: @escaping @Sendable () -> Timestamp
    ) {
        self.init(
            store: store, directory: configuration.paths.invoices, seller: configuration.seller.documentSeller,
            zone: configuration.timeZone, defaultGSTRateBasisPoints: configuration.defaultGSTRateBasisPoints,
            logger: logger, now: now)
    }

    /// Renders every document that has no PDF yet, oldest first.
    /// - Parameters:
    ///   - limit: at most this many documents (the rest wait for another pass).
    ///   - shouldStop: asked between groups of documents; true ends the pass early.
    /// - Throws: ``StoreError`` when the store fails (PDFs written so far are adopted next time).
    public func renderMissing(limit: Int = Int.max, shouldStop: () -> Bool = { false }) throws -> Report {
        let started = Date()
        var report = Report()
        var skip: Set<String> = []
        pass: while !shouldStop(), report.rendered + report.failed < limit {
            let page = try store.documents(missingPDF: true, limit: batchSize + skip.count).filter {
                !skip.contains($0.number)
            }
            if page.isEmpty { break }
            var written: [(DocumentRecord, String)] = []
            let records = Array(page.prefix(min(batchSize, limit - report.rendered - report.failed)))
            let groups = stride(from: 0, to: records.count, by: renderGroup).map {
                Array(records[$0..<min($0 + renderGroup, records.count)])
            }
            var next = groups.isEmpty || shouldStop() ? nil : startRendering(groups[0])
            var nextGroup = 1
            while let pending = next {
                let rendered = pending.wait()
                // The next group renders on every core while this one is written and placed
                // here, so no core waits for the disk.
                next = nextGroup < groups.count && !shouldStop() ? startRendering(groups[nextGroup]) : nil
                nextGroup += 1
                let placedBefore = written.count
                for (record, bytes) in zip(pending.records, rendered) {
                    do {
                        let path = try place(record, bytes: try bytes.get())
                        written.append((record, path))
                        report.bytes += try bytes.get().count
                    } catch {
                        report.failed += 1
                        skip.insert(record.number)
                        logger.error(
                            "could not write the PDF of \(record.number): \(error)", metadata: metadata(record))
                    }
                }
                progress?.pdfsWritten(written.count - placedBefore)
            }
            if written.isEmpty { if shouldStop() { break pass } else { continue } }
            FileSystem.syncFileSystem(of: directory)
            let at = now()
            for (record, path) in written {
                try store.markRendered(record, path: path, at: at)
                if record.kind == .invoice { report.invoices += 1 } else { report.creditNotes += 1 }
                var meta = metadata(record)
                meta["file.path"] = "\(directory)/\(path)"
                let what = record.kind == .invoice ? "tax invoice" : "credit note"
                logger.info("\(what) \(record.number) e-mailed to customer \(record.customerId)", metadata: meta)
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        if report.rendered > 0 || report.failed > 0 {
            // Each document has its own line above (the contract's "e-mailed" line, at info).
            logger.info(
                "PDFs done: \(report.invoices) invoice(s) and \(report.creditNotes) credit note(s) written, \(report.failed) failed, in \(JSONText.seconds(report.seconds)) s"
            )
        }
        return report
    }

    /// The document as it prints, from the stored records.
    public func document(for record: DocumentRecord) throws(StoreError) -> TaxDocument {
        let fallbackRate = record.defaultGSTRateBasisPoints ?? defaultGSTRateBasisPoints
        let items = try store.documentLines(record).map {
            TaxableItem(
                sku: $0.sku, hsn: $0.hsn, quantity: $0.quantity, unitPrice: $0.unitPrice,
                rateBasisPoints: $0.gstRateBasisPoints ?? fallbackRate, itemDescription: $0.description)
        }
        let reference = record.invoiceNumber.map { number in
            TaxDocument.Reference(number: number, date: (record.invoiceIssuedAt ?? record.issuedAt).civil(in: zone))
        }
        return TaxDocumentBuilder.build(
            kind: record.kind == .invoice ? .taxInvoice : .creditNote, number: record.number,
            date: record.issuedAt.civil(in: zone), seller: seller, customerId: record.customerId,
            orderId: record.orderId,
            returnId: record.returnId, shipToState: record.shipToState.flatMap(IndianState.init(code:)),
            reference: reference, items: items, recipient: Self.recipient(of: record))
    }

    /// The buyer block of a document: the order's customer id and invoice data (a credit note
    /// names the same recipient as its invoice).
    static func recipient(of record: DocumentRecord) -> TaxDocument.Recipient {
        TaxDocument.Recipient(
            customerId: record.customerId, name: record.buyer.name, addressLines: record.buyer.addressLines,
            state: record.buyer.state.flatMap(IndianState.init(code:)), gstin: record.buyer.gstin)
    }

    /// Where a document's PDF lives, relative to the invoices folder: `2026-27/IN-26-27-0000042.pdf`.
    public func relativePath(of record: DocumentRecord) -> String {
        let start = record.issuedAt.civil(in: zone).financialYearStart
        let folder = "\(start)-\(String(format: "%02d", (start + 1) % 100))"
        return folder + "/" + record.number.replacingOccurrences(of: "/", with: "-") + ".pdf"
    }

    /// Reads a group's documents from the store (on this thread: the store is not shared) and
    /// starts rendering them on other threads.
    func startRendering(_ records: [DocumentRecord]) -> PendingRender {
        let documents = records.map { record in Result { () throws(StoreError) in try document(for: record) } }
        let results = RenderResults(count: documents.count)
        let done = DispatchGroup()
        let fontDirectory = self.fontDirectory
        DispatchQueue.global().async(group: done) {
            Self.renderInParallel(documents, fontDirectory: fontDirectory, into: results)
        }
        return PendingRender(records: records, results: results, done: done)
    }

    /// Renders the documents on all cores, each into its slot of `results`.
    static func renderInParallel(
        _ documents: [Result<TaxDocument, StoreError>], fontDirectory: String, into results: RenderResults
    ) {
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let result: Result<[UInt8], any Error>
            switch documents[index] {
            case .success(let document):
                do {
                    result = .success(try TaxDocumentPDF.render(document, fontDirectory: fontDirectory))
                } catch {
                    result = .failure(error)
                }
            case .failure(let error):
                result = .failure(error)
            }
            results.set(index, result)
        }
    }

    /// Places one rendered PDF. - Returns: its path relative to the invoices folder.
    func place(_ record: DocumentRecord, bytes: [UInt8]) throws -> String {
        let relative = relativePath(of: record)
        let path = directory + "/" + relative
        try FileSystem.makeDirectories(FileSystem.parentDirectory(of: path))
        if FileSystem.exists(path) {
            guard FileSystem.bytes(of: path) == bytes else {
                throw DocumentError(
                    message:
                        "\(path) exists with other content; it is never overwritten (move it away to have it written again)"
                )
            }
            return relative  // written before a crash, not yet recorded: adopt it
        }
        // Flushed with the batch (one syncfs); a file already at the path is never replaced.
        try AtomicFile.write(bytes, to: path, durability: .deferred, placement: .keepExisting)
        return relative
    }

    func metadata(_ record: DocumentRecord) -> Logger.Metadata {
        var meta: Logger.Metadata = [
            "document.number": "\(record.number)", "order.id": "\(record.orderId)",
            "customer.id": "\(record.customerId)",
        ]
        if let returnId = record.returnId { meta["return.id"] = "\(returnId)" }
        return meta
    }
}

/// A document that cannot be written.
public struct DocumentError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A group of documents being rendered on other threads.
struct PendingRender {
    let records: [DocumentRecord]
    let results: RenderResults
    let done: DispatchGroup

    /// Waits for the renders; their PDFs (or errors) in the order of `records`.
    func wait() -> [Result<[UInt8], any Error>] {
        done.wait()
        return results.values
    }
}

/// Results written by the parallel renders, each into its own slot. Checked `Sendable`: the
/// slots live in a `Mutex`.
final class RenderResults: Sendable {
    private let slots: Mutex<[Result<[UInt8], any Error>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Result<[UInt8], any Error>) {
        slots.withLock { $0[index] = value }
    }

    var values: [Result<[UInt8], any Error>] {
        slots.withLock { slots in slots.map { $0 ?? .failure(DocumentError(message: "not rendered")) } }
    }
}
