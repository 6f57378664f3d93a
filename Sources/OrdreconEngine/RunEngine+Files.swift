import Logging
import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

extension RunEngine {
    /// Makes sure every pending refund has its outbox file with exactly its body: a crash
    /// between the commit and the file write, or a power loss before the file reached the
    /// disk, leaves a refund whose file is missing, empty or partial.
    func writeMissingRefundFiles() throws {
        var written = 0
        for refund in try store.pendingRefunds() {
            let path = settings.refundOutbox + "/" + refund.refundId + ".json"
            let expected = refund.body + "\n"
            if FileSystem.contents(of: path) != expected {
                try AtomicFile.write(expected, to: path, durability: .deferred)
                written += 1
                logger.debug("wrote missing refund request", metadata: ["refund.id": "\(refund.refundId)"])
            }
        }
        if written > 0 {
            FileSystem.syncFileSystem(of: settings.refundOutbox)
            logger.info("wrote \(written) missing refund request file(s) into \(settings.refundOutbox)")
        }
    }

    /// Finishes files an interrupted run had claimed: resumes, archives or fails them.
    func resumeClaimedFiles() throws {
        // Records whose file has already left the processing folder were finalized before the
        // crash could record it. (The inode tells: a file still being appended to changes size.)
        var open: [FileRecord] = []
        for record in try store.unfinalizedFiles() {
            let path = settings.processing + "/" + record.feed + "/" + FileNames.fitted(record.name)
            if let info = FileSystem.info(path), info.inode == record.inode {
                open.append(record)
                continue
            }
            try store.markFileFinalized(record.id, finalName: record.finalName ?? record.name)
        }
        let claimed = try InboxScanner.scan(root: settings.processing, feeds: settings.feeds.map(\.name))
        if !claimed.isEmpty { progress?.addFiles(claimed.count, bytes: claimed.reduce(0) { $0 + $1.info.size }) }
        for entry in claimed {
            if shouldStop() { throw RunInterrupted(feed: entry.feed, file: entry.name, line: 1) }
            let record = open.first { $0.feed == entry.feed && $0.inode == entry.info.inode }
            var file = entry
            if let record { file.name = record.name }  // the name as received (the folder may hold it shortened)
            try processIsolated(file, at: entry.path, record: record)
            progress?.fileDone(size: entry.info.size)
        }
    }

    /// Moves a ready inbox entry into the processing folder, then processes it. An entry that
    /// cannot be moved is reported and left where it is; the files after it go on.
    func claimAndProcess(_ file: InboxFile) throws {
        let claimedPath = settings.processing + "/" + file.feed + "/" + FileNames.fitted(file.name)
        do {
            try FileSystem.moveNoReplace(file.location, to: claimedPath)
        } catch {
            if error.errno == ENOENT { return }  // gone since the scan: nothing to do
            let message =
                "cannot be moved out of the inbox (\(error)); it is left there and reported on every run until a person moves or fixes it"
            logger.error("\(message)", metadata: fileMetadata(file, nil))
            summary.unfinished.append(
                UnfinishedFile(feed: file.feed, name: file.name, cause: .cannotMove, message: message))
            return
        }
        FileSystem.syncDirectory(settings.processing + "/" + file.feed)
        try processIsolated(
            InboxFile(feed: file.feed, name: file.name, path: claimedPath, info: file.info), at: claimedPath,
            record: nil)
    }

    /// Processes one claimed file; a failure of this file's own reading or moving is reported and
    /// leaves it in the processing folder for the next run, without stopping the others. Database
    /// errors still end the run (nothing is half-applied: the batch in hand is rolled back).
    func processIsolated(_ file: InboxFile, at path: String, record: FileRecord?) throws {
        do {
            try process(file, at: path, record: record)
        } catch let error as FileSystemError {
            reportUnfinished(file, recordId: record?.id, error)
        } catch let deferred as FileStillBeingWritten {
            logger.notice("\(deferred)", metadata: fileMetadata(file, record?.id))
            summary.unfinished.append(
                UnfinishedFile(
                    feed: file.feed, name: file.name, cause: .stillBeingWritten, message: deferred.description))
        }
    }

    /// Reports a file whose reading or moving failed: it stays in the processing folder and is
    /// taken up again by the next run.
    func reportUnfinished(_ file: InboxFile, recordId: Int64?, _ error: FileSystemError) {
        let message =
            "\(error); the file stays in \(settings.processing)/\(file.feed)/ and is taken up again on the next run"
        logger.error("file not finished: \(message)", metadata: fileMetadata(file, recordId))
        summary.unfinished.append(UnfinishedFile(feed: file.feed, name: file.name, cause: .readError, message: message))
    }

    /// Processes one claimed file from wherever its record says it stands.
    func process(_ claimed: InboxFile, at path: String, record existing: FileRecord?) throws {
        let started = SystemClock.monotonicSeconds()
        var file = claimed
        guard let current = FileSystem.info(path) else { return }  // moved away by someone else meanwhile
        file.info = current  // what was claimed (an entry can be swapped between the scan and the claim)
        var fileSummary = FileSummary(feed: file.feed, name: file.name)
        fileSummary.bytes = Int(file.info.size)
        var record: FileRecord
        if let existing {
            record = existing
            fileSummary.resumed = true
            logger.info("resuming file claimed by an earlier run", metadata: fileMetadata(file, record.id))
        } else {
            guard file.info.isRegularFile else {
                record = try failWholeFile(file, format: "none", rejection: notARegularFile(file))
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            }
            guard let format = FileFormat(fileName: file.name) else {
                record = try failWholeFile(file, format: "unsupported", rejection: unsupportedFileType(file.name))
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            }
            // A file written in place may still be open: judged only once its writer is done.
            if let source = try? FileByteSource(path: path) {
                // Waiting may take the settle time: not while holding the write lock.
                if source.hasWriters != false { try commitBatch() }
                if awaitQuiet(source, readOnGrowth: false) == .busy {
                    throw FileStillBeingWritten(feed: file.feed, name: file.name, line: 1)
                }
            }
            switch precheck(path: path, format: format) {
            case .failure(let rejection):
                record = try failWholeFile(file, format: format.rawValue, rejection: rejection)
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            case .success(let layout):
                // Registered in the open batch: committed with the file's first events.
                try openBatch()
                let r = try store.registerFile(
                    feed: file.feed, name: file.name, format: format.rawValue, size: file.info.size,
                    mtimeNanoseconds: file.info.mtimeNanoseconds, inode: file.info.inode, runId: runId, at: now())
                try store.setFileLayout(
                    r.id, csvHeader: layout.csvHeader, jsonShape: layout.jsonShape,
                    resumeOffset: layout.offset, resumeLine: layout.line)
                record = try store.file(id: r.id)!
            }
        }
        switch record.state {
        case .failed:
            return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
        case .processing:
            try openBatch()
            do {
                record = try processEvents(file, path: path, record: record)
            } catch let changed as FeedFileError {
                // Only a file changed under ordrecon after its pre-check gets here: what was read is
                // recorded, the rest is refused loudly with the file.
                record = try failPartlyReadFile(file, record: record, message: changed.message)
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            }
            // Done in the open batch: archived once it commits.
            batch.held.append(
                HeldFile(
                    file: file, path: path, recordId: record.id, summary: fileSummary, started: started,
                    seconds: SystemClock.monotonicSeconds() - started))
            if batch.events >= settings.batchSize { try commitBatch() }
            return
        case .done:
            break
        }
        try finishDone(file, path: path, record: record, summary: &fileSummary, started: started)
    }

    /// Refuses the rest of a file whose reading failed part-way because its content changed: one
    /// `bad_file` record, the file marked failed (the events recorded before stay recorded).
    private func failPartlyReadFile(_ file: InboxFile, record: FileRecord, message: String) throws -> FileRecord {
        try commitBatch()  // the files before it keep their place
        let current = try store.file(id: record.id) ?? record
        let text =
            "the file changed while it was being read (\(message)); the events before line \(current.resumeLine) were recorded, the rest was not read: send the rest again in a new file"
        return try store.transaction {
            var entry = AuditEntry(runId: runId, fileId: record.id, feed: file.feed, outcome: .rejected)
            entry.line = current.resumeLine
            entry.reasonCode = .badFile
            entry.message = text
            try store.recordAudit(entry, recordedAt: now())
            try store.markFileFailed(record.id, code: .badFile, reason: text, at: now())
            return try store.file(id: record.id)!
        }
    }

    /// Records a whole-file rejection: the file row, one audit record, state `failed`.
    private func failWholeFile(_ file: InboxFile, format: String, rejection: Rejection) throws -> FileRecord {
        try commitBatch()  // the files before it are archived before it is failed
        return try store.transaction {
            let r = try store.registerFile(
                feed: file.feed, name: file.name, format: format, size: file.info.size,
                mtimeNanoseconds: file.info.mtimeNanoseconds, inode: file.info.inode, runId: runId, at: now())
            var entry = AuditEntry(runId: runId, fileId: r.id, feed: file.feed, outcome: .rejected)
            entry.reasonCode = rejection.code
            entry.message = rejection.message
            try store.recordAudit(entry, recordedAt: now())
            try store.markFileFailed(r.id, code: rejection.code, reason: rejection.message, at: now())
            return try store.file(id: r.id)!
        }
    }

    private func finishFailed(
        _ file: InboxFile, path: String, record: FileRecord, summary fileSummary: inout FileSummary, started: Double
    ) throws {
        let directory = settings.failed + "/" + file.feed
        let finalName = try moveOut(path, into: directory, name: FileNames.fitted(file.name), inode: record.inode)
        let reason = """
            file: \(file.feed)/\(file.name)
            code: \(record.failureCode ?? "bad_file")
            reason: \(record.failureReason ?? "")
            rejected_at: \(now().iso8601(in: settings.zone))

            Fix the file and drop it into inbox/\(file.feed)/ again.

            """
        try AtomicFile.write(reason, to: directory + "/" + FileNames.fitted(finalName, suffix: ".reason"))
        // A file refused part-way (it changed under the reader) keeps the rows rejected before.
        try writeRejectionFile(file, record: record, finalName: finalName, summary: &fileSummary)
        try store.markFileFinalized(record.id, finalName: finalName)
        fileSummary.failure = Rejection(
            ReasonCode(rawValue: record.failureCode ?? "") ?? .badFile, record.failureReason ?? "")
        fileSummary.finalName = finalName
        fileSummary.seconds = SystemClock.monotonicSeconds() - started
        logger.warning(
            "file rejected as a whole: \(record.failureReason ?? "")",
            metadata: fileMetadata(file, record.id).merging([
                "reason.code": "\(record.failureCode ?? "")", "file.moved_to": "\(directory)/\(finalName)",
            ]) { a, _ in a })
        summary.files.append(fileSummary)
    }

    /// - Parameter seconds: the file's own time, when it was finished in a batch (its reading and
    ///   judging, without the commit it shared); nil: the time since `started`.
    func finishDone(
        _ file: InboxFile, path: String, record: FileRecord, summary fileSummary: inout FileSummary, started: Double,
        seconds: Double? = nil
    ) throws {
        let directory = settings.archive + "/" + file.feed
        let finalName = uniqueName(in: directory, for: FileNames.fitted(file.name), sameInodeAs: record.inode)
        try writeRejectionFile(file, record: record, finalName: finalName, summary: &fileSummary)
        _ = try moveOut(path, into: directory, name: finalName, inode: record.inode)
        try store.markFileFinalized(record.id, finalName: finalName)
        fileSummary.events = record.events
        fileSummary.applied = record.applied
        fileSummary.duplicate = record.duplicate
        fileSummary.rejected = record.rejected
        fileSummary.rejectedByCode = record.rejected > 0 ? try store.rejectionCounts(ofFile: record.id) : [:]
        fileSummary.finalName = finalName
        fileSummary.seconds = seconds ?? SystemClock.monotonicSeconds() - started
        logger.info(
            "file done: \(record.events) events, \(record.applied) applied, \(record.duplicate) duplicate, \(record.rejected) rejected",
            metadata: fileMetadata(file, record.id))
        summary.files.append(fileSummary)
    }

    /// Writes `outbox/rejections/<feed>/<final name>.rejected.csv` from the file's rejected
    /// events, when it has any.
    private func writeRejectionFile(
        _ file: InboxFile, record: FileRecord, finalName: String, summary fileSummary: inout FileSummary
    ) throws {
        guard record.rejected > 0 else { return }
        let rejectionPath =
            settings.rejectionOutbox + "/" + file.feed + "/" + FileNames.fitted(finalName, suffix: ".rejected.csv")
        var text = RejectionRows.header(csvHeader: record.csvHeader.map(parseHeaderRow))
        try store.forEachRejectedRows(ofFile: record.id) { text += $0 }
        try AtomicFile.write(text, to: rejectionPath)
        fileSummary.rejectionFile = rejectionPath
    }

    /// Moves a processed file out of the processing folder without ever replacing a file.
    /// - Returns: the name it got (another one when `name` was taken).
    private func moveOut(_ path: String, into directory: String, name: String, inode: Int64) throws -> String {
        try FileSystem.makeDirectories(directory)
        var candidate = uniqueName(in: directory, for: name, sameInodeAs: inode)
        while true {
            let target = directory + "/" + candidate
            if let existing = FileSystem.info(target), existing.inode == inode {
                unlink(path)  // moved before a crash, only the old name was left
                return candidate
            }
            do {
                try FileSystem.moveNoReplace(path, to: target)
                FileSystem.syncDirectory(directory)
                return candidate
            } catch {
                guard error.errno == EEXIST else { throw error }
                candidate = uniqueName(in: directory, for: name, sameInodeAs: inode)
            }
        }
    }

    /// `name`, or `stem.N.ext` with the smallest N ≥ 2 that is free in `directory`. A file there
    /// that is the same file (same inode) counts as free: it is this file, already moved.
    func uniqueName(in directory: String, for name: String, sameInodeAs inode: Int64) -> String {
        func free(_ candidate: String) -> Bool {
            guard let info = FileSystem.info(directory + "/" + candidate) else { return true }
            return info.inode == inode
        }
        if free(name) { return name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let stem = dot.map { String(name[..<$0]) } ?? name
        let ext = dot.map { String(name[$0...]) } ?? ""
        var n = 2
        while !free(FileNames.fitted("\(stem).\(n)\(ext)")) { n += 1 }
        return FileNames.fitted("\(stem).\(n)\(ext)")
    }

    func fileMetadata(_ file: InboxFile, _ fileId: Int64?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["run.id": "\(runId)", "feed": "\(file.feed)", "file.name": "\(file.name)"]
        if let fileId { metadata["file.id"] = "\(fileId)" }
        return metadata
    }
}

func quotedName(_ name: String) -> String { "\"\(name)\"" }

/// The whole-file rejection of an inbox entry that is not a regular file.
func notARegularFile(_ file: InboxFile) -> Rejection {
    Rejection(
        .badFile,
        "\(quotedName(file.name)) is \(file.info.kind.rawValue), not a regular file; ordrecon reads only regular files and never follows a link or waits on a pipe: the entry itself was moved to failed/ untouched"
    )
}

/// The whole-file rejection of a file whose extension is not a feed format.
func unsupportedFileType(_ name: String) -> Rejection {
    Rejection(
        .unsupportedFileType,
        "file type of \(quotedName(name)) is not supported (expected .csv, .json, .jsonl or .ndjson)")
}
