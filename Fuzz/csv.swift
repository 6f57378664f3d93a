// Fuzz target `csv`: one input is one CSV feed file, taken the way RunEngine takes it.
//
// Pre-check (the whole file is UTF-8 without a bare CR, the header row is usable), then every
// event from the header's end, then each event validated and judged. Oracles: the invariants of
// `drain`; the line-end check, the header and the events are the same read in small chunks;
// resuming after an event (at its endOffset and nextLine, as the engine does after a crash)
// gives the events that followed it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)

    // RunEngine.precheck: the file must be valid UTF-8 without bare CRs, then its header usable.
    let valid = input.bytes.withUnsafeBytes { UTF8Validator.firstInvalidOffset(in: $0) == nil }
    let bareCR = bareCRLine(input, chunk: input.wholeChunk)
    require(
        bareCRLine(input, chunk: input.smallChunk) == bareCR,
        "the line-end check differs in chunks of \(input.smallChunk)")
    guard valid, bareCR == nil else { return 0 }
    let header: CSVHeader
    switch (readHeader(input, chunk: input.wholeChunk), readHeader(input, chunk: input.smallChunk)) {
    case (.success(let whole), .success(let chunked)):
        require(whole == chunked, "the header read in chunks of \(input.smallChunk) differs")
        header = whole
    case (.failure(let whole), .failure(let chunked)):
        require(
            whole == chunked,
            "the header is refused differently in chunks of \(input.smallChunk): \(whole) / \(chunked)")
        return 0
    case (let whole, let chunked):
        fatalError(
            "fuzz invariant failed: the header read whole gives \(whole), in chunks of \(input.smallChunk) \(chunked)")
    }
    require(
        header.byteLength > 0 && header.byteLength <= input.size,
        "header length \(header.byteLength) of \(input.size) bytes")
    require(header.nextLine >= 2, "data rows start at line \(header.nextLine)")

    let events = read(input, header, after: nil, chunk: input.wholeChunk)
    for event in events where event.malformed == nil {
        require(!event.sourceRows.isEmpty, "line \(event.line): a readable event without its rows")
        require(
            event.sourceRows.allSatisfy { $0.count == header.columnCount },
            "line \(event.line): a row without one field per column")
        require(event.items.count <= event.sourceRows.count, "line \(event.line): more items than rows")
    }
    requireSame(
        read(input, header, after: nil, chunk: input.smallChunk), events, "CSV read in chunks of \(input.smallChunk)")
    for k in input.resumePoints(events) {
        requireSame(
            read(input, header, after: events[k], chunk: input.smallChunk), Array(events[(k + 1)...]),
            "CSV resumed after event \(k + 1) (offset \(events[k].endOffset), line \(events[k].nextLine))")
    }

    Validation.check(events)
    return 0
}

/// CSVLineEndCheck's verdict, fed the way the engine feeds it (chunk by chunk).
private func bareCRLine(_ input: FuzzInput, chunk: Int) -> Int? {
    var check = CSVLineEndCheck()
    input.bytes.withUnsafeBytes { bytes in
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            check.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
    }
    check.finish()
    return check.bareCRLine
}

private func readHeader(_ input: FuzzInput, chunk: Int) -> Result<CSVHeader, FeedFileError> {
    var source = input.source(chunk: chunk)
    return Result { () throws(FeedFileError) in try CSVEventReader.readHeader(from: &source) }
}

/// The events from the header's end, or from just after `event`.
private func read(_ input: FuzzInput, _ header: CSVHeader, after event: RawEvent?, chunk: Int) -> [RawEvent] {
    let offset = event?.endOffset ?? header.byteLength
    let line = event?.nextLine ?? header.nextLine
    var reader = CSVEventReader(
        source: input.source(at: offset, chunk: chunk), header: header, startOffset: offset, startLine: line)
    return drain(&reader, input: input, startOffset: offset, startLine: line, format: "CSV")
}
