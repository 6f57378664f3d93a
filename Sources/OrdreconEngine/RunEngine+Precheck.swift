import Logging
import OrdreconCore

#if canImport(Glibc)
    import Glibc
#endif

/// The look at a new file before any of its events: can it be read, and how.
extension RunEngine {
    /// Checks a new file before anything of it is applied: CSV must be UTF-8 with the required
    /// header columns; `.json` must parse as a whole. - Returns: how to read it.
    func precheck(path: String, format: FileFormat) -> Result<FileLayout, Rejection> {
        do {
            _ = try FileByteSource(path: path)  // readable at all, and a regular file
        } catch {
            return .failure(unreadable(error))
        }
        do {
            switch format {
            case .csv:
                try checkCSVText(path: path)
                var source = FileSource(file: try FileByteSource(path: path))
                let header = try CSVEventReader<FileSource>.readHeader(from: &source)
                return .success(
                    FileLayout(
                        csvHeader: header.names.joined(separator: headerSeparator), jsonShape: nil,
                        offset: header.byteLength, line: header.nextLine))
            case .json:
                var source = FileSource(file: try FileByteSource(path: path))
                let shape = try JSONDocumentChecker.check(&source)
                return .success(
                    FileLayout(
                        csvHeader: nil, jsonShape: shape == .eventsObject ? "events" : "array", offset: 0, line: 1))
            case .jsonl:
                return .success(FileLayout(csvHeader: nil, jsonShape: nil, offset: 0, line: 1))
            }
        } catch let error as FeedFileError {
            return .failure(Rejection(.badFile, error.message))
        } catch {
            return .failure(unreadable(error))
        }
    }

    /// The whole-file rejection of a file that cannot be opened or read.
    private func unreadable(_ error: any Error) -> Rejection {
        var reason = "\(error)"
        if let error = error as? FileSystemError {
            reason = String(cString: strerror(error.errno))
            if error.errno == EACCES || error.errno == EPERM {
                reason += " (ordrecon runs as user id \(geteuid()); make the file readable to it and send it again)"
            }
        }
        return Rejection(.badFile, "the file could not be read: \(reason)")
    }

    /// A CSV file must be UTF-8 throughout, with LF or CRLF line ends (a bare CR would join
    /// lines into one row and hide them).
    private func checkCSVText(path: String) throws {
        let source = try FileByteSource(path: path)
        var validator = UTF8Validator()
        var lineEnds = CSVLineEndCheck()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        var valid = true
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<n])
            if valid { valid = validator.feed(chunk) }
            lineEnds.feed(chunk)
            if !valid && lineEnds.bareCRLine != nil { break }
        }
        if !validator.finish() {
            let offset = validator.firstInvalidOffset ?? 0
            throw FeedFileError(
                "the file is not valid UTF-8 (first bad byte at offset \(offset)); save it as UTF-8 and send it again")
        }
        lineEnds.finish()
        if let line = lineEnds.bareCRLine {
            throw FeedFileError(
                "line \(line) ends with a bare CR (carriage return without line feed, old Mac line ends); lines must end with LF or CRLF: save the file with LF or CRLF line ends and send it again"
            )
        }
    }

    func csvReader(path: String, source: FileByteSource, record: FileRecord) throws -> CSVEventReader<
        FileSource
    > {
        var headerSource = FileSource(file: try FileByteSource(path: path))
        let header = try CSVEventReader<FileSource>.readHeader(from: &headerSource)
        return CSVEventReader(
            source: FileSource(file: source), header: header, startOffset: record.resumeOffset,
            startLine: record.resumeLine)
    }
}
