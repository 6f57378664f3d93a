import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The command line as a user and a script see it, through the built binary: `--version`,
/// exit statuses, errors as JSON, usage of a subcommand, `run --quiet`.
@Suite(.serialized)
struct CommandLineTests {
    @Test func versionComesFromBuildInfo() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let result = try ws.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == BuildInfo.versionText + "\n")
        #expect(result.stdout.hasPrefix(BuildInfo.version))
        // A version is three numbers: the docs tell where to bump it.
        let parts = BuildInfo.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil }, "\(BuildInfo.version)")
    }

    // MARK: Exit statuses

    static let orders = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
        S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00

        """

    /// Every "not found" and "cannot" of the commands, each with the status docs/commands.md
    /// gives it (they all exited 1 before).
    @Test func failuresExitWithTheirDocumentedStatus() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        // No database yet: the review commands say so (66).
        for arguments in [
            ["order", "O1"], ["return", "R1"], ["refunds"], ["refunds", "show", "RF1"], ["refunds", "retry", "RF1"],
            ["invoices"], ["invoice", "show", "IN/26-27/0000001"], ["invoices", "render", "--missing"], ["audit"], ["rejections"],
        ] {
            let result = try ws.run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("ordrecon: no database yet"), "\(arguments): \(result.stderr)")
        }
        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try ws.run(["run"]).status == 0)

        // Unknown ids (66).
        for (arguments, message) in [
            (["order", "NOPE"], "order NOPE is unknown"), (["return", "NOPE"], "return NOPE is unknown"),
            (["refunds", "show", "NOPE"], "refund NOPE is unknown"), (["refunds", "retry", "NOPE"], "refund NOPE is unknown"),
            (["invoice", "show", "IN/26-27/0000404"], "no invoice or credit note IN/26-27/0000404"),
        ] {
            let result = try ws.run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr == "ordrecon: " + message + (message.hasPrefix("refund") ? " (see `ordrecon refunds`)" : "")
                        + (message.hasPrefix("no invoice") ? " (see `ordrecon invoices`)" : "") + "\n", "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        // validate: a feed that is not configured is a bad argument (64); a missing file, 66.
        let unknownFeed = try ws.run(["validate", "x.csv", "--feed", "nope"])
        #expect(unknownFeed.status == 64 && unknownFeed.stderr.contains("feed \"nope\" is not configured"), "\(unknownFeed.stderr)")
        #expect(try ws.run(["validate", "missing.csv", "--feed", "storefront"]).status == 66)
        // init where a configuration is: nothing is overwritten (73).
        let initAgain = try ws.run(["init"])
        #expect(initAgain.status == 73 && initAgain.stderr.contains("already exists"), "\(initAgain.stderr)")
        // generate into a path below a regular file: it cannot write (74; it was an uncaught 1).
        try "".write(toFile: ws.root + "/blocker", atomically: true, encoding: .utf8)
        let generate = try ws.run(["generate", "--orders", "1", "--out", "blocker/work"])
        #expect(generate.status == 74, "\(generate.stderr)")
        #expect(generate.stderr.hasPrefix("ordrecon: cannot write the workload into " + ws.root + "/blocker/work"), "\(generate.stderr)")
        // mock-gateway on a port that is taken cannot serve (69).
        let gateway = try ws.run(["mock-gateway", "--port", "\(TestWorkspace.closedPort)"], timeout: 30)
        #expect(!gateway.timedOut)
        #expect(gateway.status == 69, "\(gateway.stderr)")
        // A configuration that does not load: 78, whatever the command.
        for arguments in [["run"], ["order", "O1"], ["refunds", "retry", "X"], ["validate", "x.csv", "--feed", "storefront"]] {
            let result = try ws.run(arguments + ["--config", "nowhere/ordrecon.toml"])
            #expect(result.status == 78, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("ordrecon: configuration file not found"), "\(arguments)")
        }
    }

    /// No command may exit 1 again: the CLI sources name no such status.
    @Test func noSourceOfTheCommandLineExitsOne() throws {
        let folder = TestWorkspace.repositoryRoot + "/Sources/ordrecon"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }
        #expect(names.count > 10 && names.contains("RunCommand.swift"), "\(names)")
        let forbidden = [
            "ExitCode.failure", "ExitCode(1)", "ExitCode(rawValue: 1)", "ExitCode(EXIT_FAILURE)", "exit(1)", "exit(EXIT_FAILURE)",
            "throw .failure", "= .failure",
        ]
        for name in names {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8).replacingOccurrences(of: " ", with: "")
            for pattern in forbidden {
                #expect(!text.contains(pattern.replacingOccurrences(of: " ", with: "")), "\(name) contains \(pattern)")
            }
        }
    }

    /// docs/commands.md names every command of `ordrecon --help` and every error code the
    /// sources can fail with, and says where the version is bumped.
    @Test func commandsDocNamesEveryCommandAndErrorCode() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let doc = try String(contentsOfFile: TestWorkspace.repositoryRoot + "/docs/commands.md", encoding: .utf8)
        let help = try ws.run(["--help"])
        #expect(help.status == 0)
        let section = try #require(help.stdout.components(separatedBy: "SUBCOMMANDS:").last)
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }.filter { $0 != "See" }
        #expect(commands.count == 14, "\(commands)")
        for command in commands {
            #expect(doc.contains("`ordrecon \(command)"), "docs/commands.md lacks ordrecon \(command)")
        }
        for (command, sub) in [("refunds", "show"), ("refunds", "retry"), ("invoices", "render"), ("invoice", "show")] {
            #expect(doc.contains("`ordrecon \(command) \(sub)"), "docs/commands.md lacks ordrecon \(command) \(sub)")
        }
        // Error codes: every string literal given as a code in the CLI sources.
        let folder = TestWorkspace.repositoryRoot + "/Sources/ordrecon"
        var codes: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".swift") {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for pattern in [#"CommandFailure\(\s*ExitStatus\.\w+,\s*"([a-z_]+)""#, #"notFound\("([a-z_]+)""#, #"ExitStatus\.\w+, "([a-z_]+)""#] {
                let regex = try NSRegularExpression(pattern: pattern)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let range = Range(match.range(at: 1), in: text) { codes.insert(String(text[range])) }
                }
            }
        }
        codes.formUnion(["usage", "configuration_unusable", "database_refused", "workspace_locked", "database_busy", "no_database", "io_error", "internal_error"])
        #expect(codes.isSuperset(of: ["order_not_found", "workspace_exists", "unknown_feed", "refund_not_failed", "cannot_serve"]), "\(codes.sorted())")
        for code in codes {
            #expect(doc.contains("`\(code)`"), "docs/commands.md lacks the error code \(code)")
        }
        #expect(doc.contains("Sources/OrdreconCore/BuildInfo.swift") && doc.contains("scripts/build-release.sh"))
        #expect(!doc.contains("../shared") && !doc.contains("FEED_CONTRACT"))
    }

    // MARK: Errors as JSON

    /// The `error` object of a JSON error on standard output: code, message and exit status.
    static func jsonError(_ result: TestWorkspace.Result, _ arguments: [String]) throws -> (code: String, message: String, status: Int) {
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): one line expected: \(result.stdout)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(arguments): \(result.stdout)")
        #expect(object.keys.sorted() == ["error"], "\(arguments)")
        let error = try #require(object["error"] as? [String: Any], "\(arguments)")
        #expect(error.keys.sorted() == ["code", "exit_status", "message"], "\(arguments)")
        return (error["code"] as? String ?? "", error["message"] as? String ?? "", error["exit_status"] as? Int ?? -1)
    }

    /// Every command that prints JSON prints its failures as one JSON object on standard output,
    /// with the same exit status as in text, and nothing on standard error.
    @Test func everyJSONCommandFailsInJSON() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let noDatabase = try ws.run(["order", "O1", "--json"])
        #expect(noDatabase.status == 66 && noDatabase.stderr.isEmpty, "\(noDatabase.stderr)")
        let first = try Self.jsonError(noDatabase, ["order"])
        #expect(first.code == "no_database" && first.status == 66 && first.message.hasPrefix("no database yet at " + ws.root))

        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try ws.run(["run"]).status == 0)
        let noConfig = ["--config", "nowhere/ordrecon.toml"]
        let cases: [([String], String, Int32)] = [
            (["order", "NOPE", "--json"], "order_not_found", 66),
            (["return", "NOPE", "--json"], "return_not_found", 66),
            (["refunds", "show", "NOPE", "--json"], "refund_not_found", 66),
            (["invoice", "show", "IN/26-27/0000404", "--json"], "document_not_found", 66),
            (["validate", "missing.csv", "--feed", "storefront", "--json"], "file_not_readable", 66),
            (["validate", "missing.csv", "--feed", "nope", "--json"], "unknown_feed", 64),
            (["run", "--json"] + noConfig, "configuration_unusable", 78),
            (["dispatch", "--json"] + noConfig, "configuration_unusable", 78),
            (["refunds", "--json"] + noConfig, "configuration_unusable", 78),
            (["invoices", "--json"] + noConfig, "configuration_unusable", 78),
            (["invoices", "render", "--missing", "--json"] + noConfig, "configuration_unusable", 78),
            (["audit", "--json"] + noConfig, "configuration_unusable", 78),
            (["rejections", "--format", "json"] + noConfig, "configuration_unusable", 78),
            // Arguments that do not parse, or that the command refuses: usage, 64.
            (["order", "--json"], "usage", 64),
            (["run", "--json", "--bogus"], "usage", 64),
            (["audit", "--format=json", "--outcome", "bogus"], "usage", 64),
            (["rejections", "--format", "json", "--code", "bogus"], "usage", 64),
        ]
        for (arguments, code, status) in cases {
            let result = try ws.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            let error = try Self.jsonError(result, arguments)
            #expect(error.code == code && error.status == Int(status) && !error.message.isEmpty, "\(arguments): \(error)")
        }
        // The same failure without --json: text on standard error, nothing on standard output.
        let text = try ws.run(["order", "NOPE"])
        #expect(text.status == 66 && text.stdout.isEmpty && text.stderr == "ordrecon: order NOPE is unknown\n")

        // Another instance holds the workspace: 75, in JSON too.
        let lock = try WorkspaceLock(path: ws.root + "/var/ordrecon.lock")
        defer { withExtendedLifetime(lock) {} }
        for arguments in [["run", "--json"], ["dispatch", "--json"]] {
            let held = try ws.run(arguments)
            #expect(held.status == 75, "\(arguments): \(held.stderr)")
            let error = try Self.jsonError(held, arguments)
            #expect(error.code == "workspace_locked" && error.status == 75 && error.message.contains("holds the workspace lock"))
        }
    }

    // MARK: Usage of a subcommand

    /// A bad option or value of a subcommand shows that subcommand's usage, not the top-level
    /// one, whether the parser finds it or the command's own checks do; exit 64.
    @Test func aBadArgumentShowsTheSubcommandsUsage() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try ws.run(["run"]).status == 0)
        let cases: [([String], String)] = [
            (["run", "--bogus"], "ordrecon run"),
            (["order", "O1", "--bogus"], "ordrecon order"),
            (["invoices", "render", "--limit", "0", "--missing"], "ordrecon invoices render"),
            // Found by run(), after parsing.
            (["audit", "--outcome", "bogus"], "ordrecon audit"),
            (["audit", "--since", "yesterday"], "ordrecon audit"),
            (["rejections", "--code", "bogus"], "ordrecon rejections"),
            (["mock-gateway", "--script", "missing.json"], "ordrecon mock-gateway"),
        ]
        for (arguments, command) in cases {
            let result = try ws.run(arguments, timeout: 30)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\nUsage: \(command) "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("See '\(command) --help' for more information."), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("ordrecon <subcommand>"), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: run --quiet

    /// Nothing happened: `run --quiet` prints nothing at all, on either stream, so cron sends no
    /// mail; without --quiet the same run says so.
    @Test func quietRunOfAnEmptyInboxPrintsNothing() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        for _ in 0..<2 {  // the first run creates the database and folders; the second finds them
            let quiet = try ws.run(["run", "--quiet"])
            #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout)\n\(quiet.stderr)")
        }
        let loud = try ws.run(["run"])
        #expect(loud.status == 0 && loud.stdout.contains("No ready files in the inbox."), "\(loud.stdout)")
    }

    /// Something happened: the short summary (totals, rejection file, refunds left), then
    /// silence again once there is nothing new; refunds still pending are news on every run.
    @Test func quietRunPrintsAShortSummaryWhenSomethingHappened() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders + "S2,order,O2,PENDING_PAYMENT,not a time,C2,A,1,70.00\n")
        let first = try ws.run(["run", "--quiet"])
        #expect(first.status == 65, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("1 file(s), 2 event(s): 1 applied, 0 duplicate, 1 rejected (invalid_value=1) in ") == true, "\(first.stdout)")
        #expect(lines.contains("Rejected rows to review: \(ws.root)/outbox/rejections/storefront/orders.csv.rejected.csv"), "\(first.stdout)")
        #expect(!first.stdout.contains("FEED") && !first.stdout.contains("PDFs:") && !first.stdout.contains("Refunds:"), "\(first.stdout)")
        #expect(lines.count <= 3, "\(first.stdout)")
        let second = try ws.run(["run", "--quiet"])
        #expect(second.status == 0 && second.stdout.isEmpty && second.stderr.isEmpty, "\(second.stdout)\n\(second.stderr)")

        // A refund the gateway cannot take stays pending: said on this run and on the next.
        let refunds = try TestWorkspace()
        defer { refunds.remove() }
        try refunds.pointGateway(at: "http://127.0.0.1:\(TestWorkspace.closedPort)", maxAttempts: 1)
        try RefundDispatchTests.dropCancelledOrders(refunds, count: 1)
        let refund = try refunds.run(["run", "--quiet"])
        #expect(refund.status == 75, "\(refund.stdout)\n\(refund.stderr)")
        #expect(refund.stdout.hasPrefix("3 file(s), 3 event(s): 3 applied, 0 duplicate, 0 rejected in "), "\(refund.stdout)")
        #expect(refund.stdout.contains("Refunds: 0 sent, 0 refused by the gateway, 1 pending"), "\(refund.stdout)")
        let pending = try refunds.run(["run", "--quiet"])
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
    @Test func progressAndPhaseSummariesAreLoggedWhenNotOnATerminal() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try ws.startGateway()
        defer { gateway.stop() }
        try InvoiceDocumentTests.dropScenario(ws)
        let files = ws.files(in: "inbox/storefront").count + ws.files(in: "inbox/payments").count + ws.files(in: "inbox/warehouse").count
            + ws.files(in: "inbox/carrier").count + ws.files(in: "inbox/returns-desk").count
        let run = try ws.run(["run", "--progress-seconds", "0"], environment: ["ORDRECON_LOG_FORMAT": "logfmt", "ORDRECON_LOG_LEVEL": "info"])
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
        #expect(messages.filter { $0.message.hasPrefix("files done: \(files) file(s), ") && $0.level == "info" }.count == 1)
        #expect(messages.filter { $0.message.hasPrefix("PDFs done: 2 invoice(s) and 1 credit note(s) written, 0 failed") && $0.level == "info" }.count == 1)
        #expect(messages.filter { $0.message.hasPrefix("refunds: 1 sent") && $0.level == "info" }.count == 1, "\(messages)")
        #expect(!messages.contains { $0.message.contains("refund accepted by the gateway") })
        #expect(!messages.contains { $0.message.contains("events so far") })

        // At debug, the per-refund line is there.
        let debug = try TestWorkspace()
        defer { debug.remove() }
        let debugGateway = try debug.startGateway()
        defer { debugGateway.stop() }
        try InvoiceDocumentTests.dropScenario(debug)
        let verbose = try debug.run(["run"], environment: ["ORDRECON_LOG_FORMAT": "logfmt", "ORDRECON_LOG_LEVEL": "debug"])
        #expect(verbose.status == 0)
        let accepted = Self.logMessages(verbose.stderr).filter { $0.message == "refund accepted by the gateway" }
        #expect(accepted.count == 1 && accepted.first?.level == "debug", "\(accepted)")
    }

    /// On a terminal (standard error a pseudo-terminal), the progress is one line redrawn in
    /// place; log lines are written above it, whole; it is wiped before the summary is printed.
    @Test func progressIsALiveLineOnATerminal() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let gateway = try ws.startGateway()
        defer { gateway.stop() }
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
        let terminal = TerminalReader(master)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestWorkspace.binary)
        process.arguments = ["run", "--progress-seconds", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: ws.root)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment["ORDRECON_LOG_LEVEL"] = "info"
        environment["ORDRECON_LOG_FORMAT"] = "logfmt"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        close(slave)  // the child's copy is closed too: the reader sees the end
        let screen = terminal.finish()

        #expect(process.terminationStatus == 0, "\(stdout)\n\(screen)")
        let wipe = "\r\u{1B}[K"
        // The live line, drawn in place many times, in every phase.
        #expect(screen.components(separatedBy: wipe + "reading files: files ").count > 3, "\(screen)")
        #expect(screen.contains(wipe + "writing PDFs: ") && screen.contains(wipe + "sending refunds: "), "\(screen)")
        // Log lines start on a line of their own (the live line wiped first), and are whole.
        let logLines = screen.components(separatedBy: "time=").dropFirst()
        #expect(logLines.count > 5)
        for piece in screen.components(separatedBy: "time=").dropLast() {
            // (The terminal turns "\n" into "\r\n", one Character: compared as bytes.)
            #expect(piece.isEmpty || piece.utf8.last == UInt8(ascii: "\n") || piece.utf8.reversed().starts(with: wipe.utf8.reversed()),
                    "a log line began after: \(piece.suffix(80).debugDescription)")
        }
        #expect(screen.contains("msg=\"files done: "))
        // Wiped at the end: nothing of the live line is left after the last wipe.
        let rest = try #require(screen.components(separatedBy: wipe).last)
        #expect(!rest.contains("reading files") && !rest.contains("writing PDFs") && !rest.contains("sending refunds"), "\(rest.debugDescription)")
        // Standard output (a pipe) has the summary, without terminal codes.
        #expect(stdout.contains("TOTAL") && stdout.contains("Refunds: 1 sent") && !stdout.contains("\u{1B}"), "\(stdout)")
    }
}

/// Reads the master side of a pseudo-terminal on a thread of its own until the slave side is
/// closed everywhere (read then fails with EIO).
///
/// `@unchecked Sendable`: `data` is written by the reading thread before `done` is signalled
/// and read only after waiting for it.
final class TerminalReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ fd: Int32) {
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    self.data.append(contentsOf: buffer[0..<n])
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            self.done.signal()
        }.start()
    }

    /// Waits for the end. - Returns: everything the terminal received.
    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
