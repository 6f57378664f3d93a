public import OrdreconCore

/// How far a run is, for a person watching it: files done of all, events and their rate, PDFs
/// written, refunds sent, and an estimate of the time left in the current phase.
///
/// The engine feeds it counts as work is committed; it renders one line and hands it to `emit`
/// at most once per `interval` seconds of its clock (a terminal redraws it in place a few times
/// a second; a log gets one line every ten seconds). It keeps no thread and never sleeps: it
/// acts only when fed, so a test drives it with a clock of its own. One thread uses it.
public final class RunProgress {
    /// What the run is doing; the estimate is for this phase.
    public enum Phase: String, Sendable {
        case files = "reading files"
        case pdfs = "writing PDFs"
        case refunds = "sending refunds"
    }

    public private(set) var phase = Phase.files
    public private(set) var filesDone = 0
    public private(set) var filesTotal = 0
    public private(set) var bytesTotal: Int64 = 0
    public private(set) var events = 0
    public private(set) var pdfsDone = 0
    /// Known once the PDF phase starts.
    public private(set) var pdfsTotal: Int?
    public private(set) var refundsSent = 0
    /// Refunds tried (sent or refused) in the refund phase.
    public private(set) var refundsHandled = 0
    /// Known once the refund phase starts.
    public private(set) var refundsTotal: Int?

    private let clock: any MonotonicClock
    private let interval: Double
    private let emit: (String) -> Void
    private let started: Double
    private var phaseStarted: Double
    private var lastEmitted: Double
    /// Bytes of the files finished, and how far the file in hand is read.
    private var bytesFinished: Int64 = 0
    private var bytesInFile: Int64 = 0
    /// When the file phase ended: the event rate stays what it was then.
    private var filesEnded: Double?

    /// - Parameters:
    ///   - clock: its monotonic time (``MonotonicClock/now``) measures the rates and the interval.
    ///   - interval: the least time between two emitted lines, in seconds of `clock`.
    ///   - emit: receives each rendered line.
    public init(clock: any MonotonicClock = SystemClock(), interval: Double, emit: @escaping (String) -> Void) {
        self.clock = clock
        self.interval = interval
        self.emit = emit
        started = clock.now
        phaseStarted = started
        lastEmitted = started
    }

    public var bytesDone: Int64 { bytesFinished + bytesInFile }

    // MARK: Fed by the engine

    /// More files to read (those of the inbox, or claimed by an interrupted run).
    public func addFiles(_ count: Int, bytes: Int64) {
        filesTotal += count
        bytesTotal += bytes
        tick()
    }

    /// The file in hand is read up to `offset` bytes; `newEvents` more events were committed.
    public func fileRead(upTo offset: Int64, newEvents: Int) {
        bytesInFile = max(bytesInFile, offset)
        events += newEvents
        tick()
    }

    /// The file in hand is finished (archived, failed or left), `size` bytes in all.
    public func fileDone(size: Int64) {
        filesDone += 1
        bytesFinished += size
        bytesInFile = 0
        tick()
    }

    /// The PDF phase begins, with `total` documents to write.
    public func startPDFs(total: Int) {
        enter(.pdfs)
        pdfsTotal = total
        tick()
    }

    /// `count` more PDFs are written.
    public func pdfsWritten(_ count: Int) {
        pdfsDone += count
        tick()
    }

    /// The refund phase begins, with `total` refunds pending.
    public func startRefunds(total: Int) {
        enter(.refunds)
        refundsTotal = total
        tick()
    }

    /// The refund phase so far: `sent` accepted, `handled` tried to an end (accepted or refused).
    public func refunds(sent: Int, handled: Int) {
        refundsSent = sent
        refundsHandled = handled
        tick()
    }

    private func enter(_ next: Phase) {
        let now = clock.now
        if phase == .files { filesEnded = now }
        phase = next
        phaseStarted = now
    }

    private func tick() {
        let now = clock.now
        guard now - lastEmitted >= interval else { return }
        lastEmitted = now
        emit(line())
    }

    // MARK: Rendering

    /// Events per second while files were read (nil before any time passed).
    public var eventsPerSecond: Double? {
        let elapsed = (filesEnded ?? clock.now) - started
        guard elapsed > 0 else { return nil }
        return Double(events) / elapsed
    }

    /// Seconds left in the current phase at the pace so far (nil until some work was done).
    public var secondsLeft: Double? {
        let elapsed = clock.now - phaseStarted
        guard elapsed > 0 else { return nil }
        func estimate(done: Double, total: Double) -> Double? {
            guard done > 0 else { return nil }
            return max(0, total - done) / (done / elapsed)
        }
        switch phase {
        case .files:
            if bytesTotal > 0 { return estimate(done: Double(bytesDone), total: Double(bytesTotal)) }
            return estimate(done: Double(filesDone), total: Double(filesTotal))
        case .pdfs:
            return estimate(done: Double(pdfsDone), total: Double(pdfsTotal ?? 0))
        case .refunds:
            return estimate(done: Double(refundsHandled), total: Double(refundsTotal ?? 0))
        }
    }

    /// `reading files: files 3/10, 12000 events (4000/s), PDFs 0, refunds sent 0, ETA 42s`.
    public func line() -> String {
        var parts = ["files \(filesDone)/\(filesTotal)"]
        parts.append("\(events) events" + (eventsPerSecond.map { " (\(Int($0.rounded()))/s)" } ?? ""))
        parts.append("PDFs \(pdfsDone)" + (pdfsTotal.map { "/\($0)" } ?? ""))
        parts.append("refunds sent \(refundsSent)" + (refundsTotal.map { "/\($0)" } ?? ""))
        parts.append("ETA " + (secondsLeft.map(Self.duration) ?? "--"))
        return phase.rawValue + ": " + parts.joined(separator: ", ")
    }

    /// `42s`, `12m05s`, `1h02m` (rounded up to the second).
    public static func duration(_ seconds: Double) -> String {
        let total = Int(min(max(seconds, 0), 1e9).rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + twoDigits(total % 60) + "s" }
        return "\(total / 3600)h" + twoDigits(total % 3600 / 60) + "m"
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
