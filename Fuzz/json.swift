// Fuzz target `json`: one input is one `.json` feed file, taken the way RunEngine takes it.
//
// Pre-check (JSONDocumentChecker: the whole grammar, UTF-8, an array or an object with an
// "events" array), then every element of the event array, each event validated and judged.
// Oracles: the invariants of `drain`; the checker says the same in one read and in small chunks;
// once the checker accepts the file the reader never throws (the checker's scanner and the event
// decoder must agree on the grammar); elements are numbered 1, 2, 3...; reading in small chunks
// gives the same events; resuming after an event gives the events that followed it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)

    let shape: JSONDocumentShape
    switch (check(input, chunk: input.wholeChunk), check(input, chunk: input.smallChunk)) {
    case (.success(let whole), .success(let chunked)):
        require(
            whole == chunked,
            "the checker finds shape \(whole) in one read, \(chunked) in chunks of \(input.smallChunk)")
        shape = whole
    case (.failure, .failure):
        // Both refuse; the messages may differ (a UTF-8 error is found when its chunk is read).
        return 0
    case (let whole, let chunked):
        fatalError(
            "fuzz invariant failed: the checker says \(whole) in one read, \(chunked) in chunks of \(input.smallChunk)")
    }

    let events = read(input, shape, after: nil, chunk: input.wholeChunk)
    for (k, event) in events.enumerated() {
        require(
            event.line == k + 1 && event.nextLine == k + 2,
            "event \(k + 1) is numbered \(event.line), next \(event.nextLine)")
        require(event.sourceRows.isEmpty && event.sourceText == nil, "event \(k + 1): CSV rows or a JSON Lines text")
    }
    requireSame(
        read(input, shape, after: nil, chunk: input.smallChunk), events, "JSON read in chunks of \(input.smallChunk)")
    for k in input.resumePoints(events) {
        requireSame(
            read(input, shape, after: events[k], chunk: input.smallChunk), Array(events[(k + 1)...]),
            "JSON resumed after event \(k + 1) (offset \(events[k].endOffset))")
    }

    Validation.check(events)
    return 0
}

private func check(_ input: FuzzInput, chunk: Int) -> Result<JSONDocumentShape, FeedFileError> {
    var source = input.source(chunk: chunk)
    return Result { () throws(FeedFileError) in try JSONDocumentChecker.check(&source) }
}

/// The events from the start, or from just after `event`.
private func read(_ input: FuzzInput, _ shape: JSONDocumentShape, after event: RawEvent?, chunk: Int) -> [RawEvent] {
    let offset = event?.endOffset ?? 0
    let index = event?.nextLine ?? 1
    var reader = JSONArrayEventReader(
        source: input.source(at: offset, chunk: chunk), shape: shape, startOffset: offset, startIndex: index)
    return drain(&reader, input: input, startOffset: offset, startLine: index, format: "JSON")
}
