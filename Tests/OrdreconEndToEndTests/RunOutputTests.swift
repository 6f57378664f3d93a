import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif
/// What `run` prints, through the built binary: the short summary of `run --quiet` (nothing when
/// nothing happened), progress and phase summaries as log lines, and the live line on a terminal.
@Suite(.runsPrograms)
struct RunOutputTests {
    // MARK: run --quiet

    /// Nothing happened: `run --quiet` prints nothing at all, on either stream, so cron sends no
    /// mail; without --quiet the same run says so.
    @Test(arguments: StoreBackend.allCases) func quietRunOfAnEmptyInboxPrintsNothing(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        for _ in 0..<2 {  // the first run creates the database and folders; the second finds them
            let quiet = try await ws.run(["run", "--quiet"])
            #expect(
                quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout)\n\(quiet.stderr)")
        }
        let loud = try await ws.run(["run"])
        #expect(loud.status == 0 && loud.stdout.contains("No ready files in the inbox."), "\(loud.stdout)")
    }

    /// Something happened: the short summary (totals, rejection file, refunds left), then
    /// silence again once there is nothing new; refunds still pending are news on every run.
    @Test(arguments: StoreBackend.allCases) func quietRunPrintsAShortSummaryWhenSomethingHappened(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop(
            "storefront", "orders.csv",
            CommandLineTests.orders + "S2,order,O2,PENDING_PAYMENT,not a time,C2,A,1,70.00\n")
        let first = try await ws.run(["run", "--quiet"])
        #expect(first.status == 65, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first?.hasPrefix("1 file(s), 2 event(s): 1 applied, 0 duplicate, 1 rejected (invalid_value=1) in ")
                == true, "\(first.stdout)")
        #expect(
            lines.contains("Rejected rows to review: \(ws.root)/outbox/rejections/storefront/orders.csv.rejected.csv"),
            "\(first.stdout)")
        // No table (its header line starts with FEED: a word, not the hex of a temporary folder's
        // name, which once held "FEED"), no PDF or refund line.
        #expect(
            !lines.contains { $0.hasPrefix("FEED") } && !first.stdout.contains("PDFs:")
                && !first.stdout.contains("Refunds:"), "\(first.stdout)")
        #expect(lines.count <= 3, "\(first.stdout)")
        let second = try await ws.run(["run", "--quiet"])
        #expect(
            second.status == 0 && second.stdout.isEmpty && second.stderr.isEmpty, "\(second.stdout)\n\(second.stderr)")

        // A refund the gateway cannot take stays pending: said on this run and on the next.
        let refunds = try TestWorkspace(store: store)
        defer { refunds.remove() }
        try refunds.pointGateway(at: "http://127.0.0.1:\(TestWorkspace.closedPort)", maxAttempts: 1)
        try RefundDispatchTests.dropCancelledOrders(refunds, count: 1)
        let refund = try await refunds.run(["run", "--quiet"])
        #expect(refund.status == 75, "\(refund.stdout)\n\(refund.stderr)")
        #expect(
            refund.stdout.hasPrefix("3 file(s), 3 event(s): 3 applied, 0 duplicate, 0 rejected in "), "\(refund.stdout)"
        )
        #expect(refund.stdout.contains("Refunds: 0 sent, 0 refused by the gateway, 1 pending"), "\(refund.stdout)")
        let pending = try await refunds.run(["run", "--quiet"])
        #expect(pending.status == 75)
        #expect(pending.stdout.hasPrefix("Refunds: 0 sent, 0 refused by the gateway, 1 pending"), "\(pending.stdout)")
    }

    // MARK: Progress and log levels

    /// The `msg` of each logfmt line of `stderr` with its level: `[("info", "progress: …")]`.
    static func logMessages(_ stderr: String) -> [(level: String, message: String)] {
        stderr.split(separator: "\n").map(String.init).compactMap { line -> (level: String, message: String)? in
            guard let level = line.range(of: "level="), let msg = line.range(of: "msg=\"") else { return nil }
            let levelText = String(line[level.upperBound...].prefix { $0 != " " })
            var message = ""
            var escaped = false
            for character in line[msg.upperBound...] {
                if escaped {
                    message.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    message.append(character)
                }
            }
            return (levelText, message)
        }
    }

    /// Not on a terminal, a run logs its progress as lines at info (here one per update: the
    /// hidden --progress-seconds 0); each PDF keeps its "e-mailed" line at info, as the contract
    /// asks, while per-refund lines are at debug, with one summary line at info per phase.
    @Test(arguments: StoreBackend.allCases) func progressAndPhaseSummariesAreLoggedWhenNotOnATerminal(
        store: StoreBackend
    ) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        try InvoiceDocumentTests.dropScenario(ws)
        let files =
            ws.files(in: "inbox/storefront").count + ws.files(in: "inbox/payments").count
            + ws.files(in: "inbox/warehouse").count
            + ws.files(in: "inbox/carrier").count + ws.files(in: "inbox/returns-desk").count
        let run = try await ws.run(
            ["run", "--progress-seconds", "0"],
            environment: ["ORDRECON_LOG_FORMAT": "logfmt", "ORDRECON_LOG_LEVEL": "info"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let messages = Self.logMessages(run.stderr)
        let progress = messages.filter { $0.message.hasPrefix("progress: ") }
        #expect(progress.allSatisfy { $0.level == "info" })
        let lines = progress.map { String($0.message.dropFirst("progress: ".count)) }
        #expect(lines.first?.hasPrefix("reading files: files 0/\(files), 0 events") == true, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("reading files: files \(files)/\(files), ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("writing PDFs: ") && $0.contains("PDFs 3/3") }, "\(lines)")
        #expect(lines.last?.hasPrefix("sending refunds: files \(files)/\(files), ") == true, "\(lines)")
        #expect(lines.last?.contains("PDFs 3/3, refunds sent 1/1, ETA 0s") == true, "\(lines)")
        // The events count only grows, and ends at what the run applied.
        let events = lines.compactMap { line -> Int? in
            guard let comma = line.range(of: ", ") else { return nil }
            return Int(String(line[comma.upperBound...].prefix { $0.isNumber }))
        }
        let recorded = try ws.count("SELECT COUNT(*) FROM audit_log")
        #expect(events == events.sorted() && events.last == recorded, "\(events)")

        // One "e-mailed" line per document at info (2 invoices, 1 credit note), one summary per phase.
        let mailed = messages.filter { $0.message.contains(" e-mailed to customer ") }
        #expect(mailed.count == 3 && mailed.allSatisfy { $0.level == "info" }, "\(mailed)")
        #expect(mailed.filter { $0.message.hasPrefix("tax invoice IN/") }.count == 2)
        #expect(
            messages.filter { $0.message.hasPrefix("files done: \(files) file(s), ") && $0.level == "info" }.count == 1)
        #expect(
            messages.filter {
                $0.message.hasPrefix("PDFs done: 2 invoice(s) and 1 credit note(s) written, 0 failed")
                    && $0.level == "info"
            }.count == 1)
        #expect(
            messages.filter { $0.message.hasPrefix("refunds: 1 sent") && $0.level == "info" }.count == 1, "\(messages)")
        #expect(!messages.contains { $0.message.contains("refund accepted by the gateway") })
        #expect(!messages.contains { $0.message.contains("events so far") })

        // At debug, the per-refund line is there.
        let debug = try TestWorkspace(store: store)
        defer { debug.remove() }
        let debugGateway = try await debug.startGateway()
        defer { debugGateway.terminate() }
        try InvoiceDocumentTests.dropScenario(debug)
        let verbose = try await debug.run(
            ["run"], environment: ["ORDRECON_LOG_FORMAT": "logfmt", "ORDRECON_LOG_LEVEL": "debug"])
        #expect(verbose.status == 0)
        let accepted = Self.logMessages(verbose.stderr).filter { $0.message == "refund accepted by the gateway" }
        #expect(accepted.count == 1 && accepted.first?.level == "debug", "\(accepted)")
    }

    /// On a terminal (standard error a pseudo-terminal), the progress is one line redrawn in
    /// place; log lines are written above it, whole; it is wiped before the summary is printed.
    @Test(arguments: StoreBackend.allCases) func progressIsALiveLineOnATerminal(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()
        defer { gateway.terminate() }
        try InvoiceDocumentTests.dropScenario(ws)

        // posix_openpt/unlockpt/ptsname by hand (the Glibc module leaves them out): /dev/ptmx,
        // TIOCSPTLCK to unlock, TIOCGPTN for the number (Linux ioctl numbers).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        try #require(ioctl(master, 0x4004_5431, &unlock) == 0 && ioctl(master, 0x8004_5430, &number) == 0)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        // The terminal is read to its end on a thread of its own, from now on (a full one would block the run).
        let terminal = ThreadTask { readToTheEnd(master) }

        let process = try ws.start(
            ["run", "--progress-seconds", "0"],
            environment: ["TERM": "xterm", "ORDRECON_LOG_LEVEL": "info", "ORDRECON_LOG_FORMAT": "logfmt"],
            output: .handles(
                standardOutput: nil, standardError: FileHandle(fileDescriptor: slave, closeOnDealloc: false)))
        let result = await process.finish()
        close(slave)  // the child's copy is closed too: the reader sees the end
        let screen = await terminal.value
        let stdout = result.stdout

        #expect(result.status == 0 && !result.signalled, "\(stdout)\n\(screen)")
        let wipe = "\r\u{1B}[K"
        // The live line, drawn in place many times, in every phase.
        #expect(screen.components(separatedBy: wipe + "reading files: files ").count > 3, "\(screen)")
        #expect(screen.contains(wipe + "writing PDFs: ") && screen.contains(wipe + "sending refunds: "), "\(screen)")
        // Log lines start on a line of their own (the live line wiped first), and are whole.
        let logLines = screen.components(separatedBy: "time=").dropFirst()
        #expect(logLines.count > 5)
        for piece in screen.components(separatedBy: "time=").dropLast() {
            // (The terminal turns "\n" into "\r\n", one Character: compared as bytes.)
            #expect(
                piece.isEmpty || piece.utf8.last == UInt8(ascii: "\n")
                    || piece.utf8.reversed().starts(with: wipe.utf8.reversed()),
                "a log line began after: \(piece.suffix(80).debugDescription)")
        }
        #expect(screen.contains("msg=\"files done: "))
        // Wiped at the end: nothing of the live line is left after the last wipe.
        let rest = try #require(screen.components(separatedBy: wipe).last)
        #expect(
            !rest.contains("reading files") && !rest.contains("writing PDFs") && !rest.contains("sending refunds"),
            "\(rest.debugDescription)")
        // Standard output (a pipe) has the summary, without terminal codes.
        #expect(
            stdout.contains("TOTAL") && stdout.contains("Refunds: 1 sent") && !stdout.contains("\u{1B}"), "\(stdout)")
    }
}

/// Reads the master side of a pseudo-terminal until the slave side is closed everywhere (read
/// then fails with EIO). Blocks: for a thread of its own. - Returns: everything it received.
func readToTheEnd(_ fd: Int32) -> String {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            data.append(contentsOf: buffer[0..<n])
        } else if n < 0 && errno == EINTR {
            continue
        } else {
            break
        }
    }
    return String(decoding: data, as: UTF8.self)
}
