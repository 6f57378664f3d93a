// Fuzz target `jsonl`: one input is one JSON Lines feed file, taken the way RunEngine takes it.
//
// No pre-check (a bad line is a malformed event of its own), every event from the start, each
// event validated and judged. Oracles: the invariants of `drain`; one event per line (its next
// line is the one after it); a malformed line keeps at most the capped start of its text; reading
// in small chunks gives the same events; resuming after an event gives the events that followed
// it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)

    let events = read(input, after: nil, chunk: input.wholeChunk)
    for event in events {
        require(event.nextLine == event.line + 1, "line \(event.line): the next event starts at line \(event.nextLine)")
        require(event.sourceRows.isEmpty, "line \(event.line): CSV rows in a JSON Lines event")
        if event.malformed != nil {
            let text = event.sourceText ?? ""
            require(event.sourceText != nil, "line \(event.line): malformed without its text")
            require(
                text.unicodeScalars.count <= ParsingLimits.maxSourceTextBytes,
                "line \(event.line): \(text.unicodeScalars.count) characters of text kept")
        } else {
            require(event.sourceText == nil, "line \(event.line): text kept for a readable line")
        }
    }
    requireSame(
        read(input, after: nil, chunk: input.smallChunk), events, "JSON Lines read in chunks of \(input.smallChunk)")
    for k in input.resumePoints(events) {
        requireSame(
            read(input, after: events[k], chunk: input.smallChunk), Array(events[(k + 1)...]),
            "JSON Lines resumed after event \(k + 1) (offset \(events[k].endOffset), line \(events[k].nextLine))")
    }

    Validation.check(events)
    return 0
}

/// The events from the start, or from just after `event`.
private func read(_ input: FuzzInput, after event: RawEvent?, chunk: Int) -> [RawEvent] {
    let offset = event?.endOffset ?? 0
    let line = event?.nextLine ?? 1
    var reader = JSONLinesEventReader(
        source: input.source(at: offset, chunk: chunk), startOffset: offset, startLine: line)
    return drain(&reader, input: input, startOffset: offset, startLine: line, format: "JSON Lines")
}
