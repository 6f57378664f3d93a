#if canImport(Glibc)
import Glibc
#endif
import Logging
import OrdreconCore
import OrdreconStore

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
                try FileSystem.writeAtomically(expected, to: path, sync: false)
                written += 1
                logger.info("wrote missing refund request", metadata: ["refund.id": "\(refund.refundId)"])
            }
        }
        if written > 0 { FileSystem.syncFileSystem(of: settings.refundOutbox) }
    }

    /// Finishes files an interrupted run had claimed: resumes, archives or fails them.
    func resumeClaimedFiles() throws {
        // Records whose file has already left the processing folder were finalized before the
        // crash could record it.
        for record in try store.unfinalizedFiles() {
            let path = settings.processing + "/" + record.feed + "/" + record.name
            if let info = FileSystem.info(path), info.inode == record.inode, info.size == record.size { continue }
            try store.markFileFinalized(record.id, finalName: record.finalName ?? record.name)
        }
        let claimed = try InboxScanner.scan(root: settings.processing, feeds: settings.feeds.map(\.name))
        for file in claimed {
            let record = try store.unfinalizedFile(feed: file.feed, name: file.name)
            try process(file, at: file.path, record: record)
        }
    }

    /// Moves a ready inbox file into the processing folder, then processes it.
    func claimAndProcess(_ file: InboxFile) throws {
        let claimedPath = settings.processing + "/" + file.feed + "/" + file.name
        do {
            try FileSystem.moveNoReplace(file.path, to: claimedPath)
        } catch {
            if error.errno == ENOENT { return }  // gone since the scan: nothing to do
            throw error
        }
        FileSystem.syncDirectory(settings.processing + "/" + file.feed)
        try process(file, at: claimedPath, record: nil)
    }

    /// Processes one claimed file from wherever its record says it stands.
    func process(_ file: InboxFile, at path: String, record existing: FileRecord?) throws {
        let started = SystemClock.monotonicSeconds()
        var fileSummary = FileSummary(feed: file.feed, name: file.name)
        fileSummary.bytes = Int(file.info.size)
        var record: FileRecord
        if let existing {
            record = existing
            fileSummary.resumed = true
            logger.info("resuming file claimed by an earlier run", metadata: fileMetadata(file, record.id))
        } else {
            guard let format = FileFormat(fileName: file.name) else {
                record = try failWholeFile(file, format: "unsupported", rejection: unsupportedFileType(file.name))
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            }
            switch precheck(path: path, format: format) {
            case .failure(let rejection):
                record = try failWholeFile(file, format: format.rawValue, rejection: rejection)
                return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
            case .success(let layout):
                record = try store.transaction {
                    let r = try store.registerFile(
                        feed: file.feed, name: file.name, format: format.rawValue, size: file.info.size,
                        mtimeNanoseconds: file.info.mtimeNanoseconds, inode: file.info.inode, runId: runId, at: now())
                    try store.setFileLayout(r.id, csvHeader: layout.csvHeader, jsonShape: layout.jsonShape,
                                            resumeOffset: layout.offset, resumeLine: layout.line)
                    return try store.file(id: r.id)!
                }
            }
        }
        switch record.state {
        case .failed:
            return try finishFailed(file, path: path, record: record, summary: &fileSummary, started: started)
        case .processing:
            record = try processEvents(file, path: path, record: record)
        case .done:
            break
        }
        try finishDone(file, path: path, record: record, summary: &fileSummary, started: started)
    }

    /// Records a whole-file rejection: the file row, one audit record, state `failed`.
    private func failWholeFile(_ file: InboxFile, format: String, rejection: Rejection) throws -> FileRecord {
        try store.transaction {
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

    private func finishFailed(_ file: InboxFile, path: String, record: FileRecord, summary fileSummary: inout FileSummary, started: Double) throws {
        let directory = settings.failed + "/" + file.feed
        let finalName = try moveOut(path, into: directory, name: file.name, inode: record.inode)
        let reason = """
            file: \(file.feed)/\(file.name)
            code: \(record.failureCode ?? "bad_file")
            reason: \(record.failureReason ?? "")
            rejected_at: \(now().iso8601(in: settings.zone))

            Fix the file and drop it into inbox/\(file.feed)/ again.

            """
        try FileSystem.writeAtomically(reason, to: directory + "/" + finalName + ".reason")
        try store.markFileFinalized(record.id, finalName: finalName)
        fileSummary.failure = Rejection(ReasonCode(rawValue: record.failureCode ?? "") ?? .badFile, record.failureReason ?? "")
        fileSummary.finalName = finalName
        fileSummary.seconds = SystemClock.monotonicSeconds() - started
        logger.warning("file rejected as a whole: \(record.failureReason ?? "")", metadata: fileMetadata(file, record.id).merging(["reason.code": "\(record.failureCode ?? "")", "file.moved_to": "\(directory)/\(finalName)"]) { a, _ in a })
        summary.files.append(fileSummary)
    }

    private func finishDone(_ file: InboxFile, path: String, record: FileRecord, summary fileSummary: inout FileSummary, started: Double) throws {
        let directory = settings.archive + "/" + file.feed
        let finalName = uniqueName(in: directory, for: file.name, sameInodeAs: record.inode)
        if record.rejected > 0 {
            let rejectionPath = settings.rejectionOutbox + "/" + file.feed + "/" + finalName + ".rejected.csv"
            var text = RejectionRows.header(csvHeader: record.csvHeader.map(parseHeaderRow))
            try store.forEachRejectedRows(ofFile: record.id) { text += $0 }
            try FileSystem.writeAtomically(text, to: rejectionPath)
            fileSummary.rejectionFile = rejectionPath
        }
        _ = try moveOut(path, into: directory, name: finalName, inode: record.inode)
        try store.markFileFinalized(record.id, finalName: finalName)
        fileSummary.events = record.events
        fileSummary.applied = record.applied
        fileSummary.duplicate = record.duplicate
        fileSummary.rejected = record.rejected
        fileSummary.rejectedByCode = record.rejected > 0 ? try store.rejectionCounts(ofFile: record.id) : [:]
        fileSummary.finalName = finalName
        fileSummary.seconds = SystemClock.monotonicSeconds() - started
        logger.info(
            "file done: \(record.events) events, \(record.applied) applied, \(record.duplicate) duplicate, \(record.rejected) rejected",
            metadata: fileMetadata(file, record.id))
        summary.files.append(fileSummary)
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
        while !free("\(stem).\(n)\(ext)") { n += 1 }
        return "\(stem).\(n)\(ext)"
    }

    func fileMetadata(_ file: InboxFile, _ fileId: Int64?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["run.id": "\(runId)", "feed": "\(file.feed)", "file.name": "\(file.name)"]
        if let fileId { metadata["file.id"] = "\(fileId)" }
        return metadata
    }
}

func quotedName(_ name: String) -> String { "\"\(name)\"" }

/// The whole-file rejection of a file whose extension is not a feed format.
func unsupportedFileType(_ name: String) -> Rejection {
    Rejection(.unsupportedFileType, "file type of \(quotedName(name)) is not supported (expected .csv, .json, .jsonl or .ndjson)")
}
