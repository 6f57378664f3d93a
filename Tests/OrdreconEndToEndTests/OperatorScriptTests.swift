import Foundation
import OrdreconTestSupport
import Testing

/// The operator's scripts run for real with /bin/sh or bash, with stand-ins for the programs
/// they call: `contrib/cron/ordrecon-cron` with a fake `ordrecon` exiting with each status, and
/// `scripts/install-deps.sh` with fake `apt-get`, `dpkg-query`, `sudo` and `id`.
@Suite(.runsPrograms)
struct OperatorScriptTests {
    /// A temporary folder with a `bin/` for stand-ins, removed by ``remove()``.
    final class Sandbox {
        let root: String
        var bin: String { root + "/bin" }

        init() throws {
            root = NSTemporaryDirectory() + "ordrecon-ops-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        }

        /// Writes an executable shell script `bin/<name>`.
        func script(_ name: String, _ body: String) throws {
            let path = bin + "/" + name
            try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    struct Output {
        var status: Int32
        /// Standard output and error together, as cron would mail them.
        var text: String
    }

    /// Runs `shell script arguments` with exactly `environment` (cron gives a bare one).
    static func run(_ shell: String, _ script: String, _ arguments: [String], environment: [String: String])
        async throws -> Output
    {
        let process = try ChildProcess(
            executable: shell, arguments: [script] + arguments, environment: environment, inheritEnvironment: false,
            directory: NSTemporaryDirectory(), output: .merged)
        let result = await process.finish(timeout: .seconds(300))
        return Output(status: result.status, text: result.stdout)
    }

    // MARK: contrib/cron/ordrecon-cron

    static let cronWrapper = TestWorkspace.repositoryRoot + "/contrib/cron/ordrecon-cron"

    /// A workspace folder and a fake `ordrecon` that logs its arguments and folder, prints
    /// `$FAKE_SAY` when set and exits with `$FAKE_STATUS`.
    final class CronSetup {
        let sandbox: Sandbox
        let workspace: String
        var marker: String { workspace + "/var/ordrecon-cron.tempfail" }

        init() throws {
            sandbox = try Sandbox()
            workspace = sandbox.root + "/workspace with space"
            try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
            try sandbox.script(
                "ordrecon",
                """
                echo "$PWD|$*" >>"\(sandbox.root)/calls"
                echo "1 file(s), 3 event(s): the summary of run --quiet"
                [ -z "${FAKE_SAY:-}" ] || echo "$FAKE_SAY" >&2
                exit "$FAKE_STATUS"

                """)
        }

        /// Runs the wrapper as cron does: /bin/sh, PATH=/usr/bin:/bin, nothing else but what is given.
        func cron(status: Int32, say: String? = nil, extra: [String: String] = [:]) async throws -> Output {
            var environment = [
                "PATH": "/usr/bin:/bin", "ORDRECON": sandbox.bin + "/ordrecon", "FAKE_STATUS": "\(status)",
            ]
            if let say { environment["FAKE_SAY"] = say }
            environment.merge(extra) { _, new in new }
            return try await OperatorScriptTests.run(
                "/bin/sh", OperatorScriptTests.cronWrapper, [workspace], environment: environment)
        }

        var calls: [String] {
            ((try? String(contentsOfFile: sandbox.root + "/calls", encoding: .utf8)) ?? "")
                .split(separator: "\n").map(String.init)
        }
    }

    @Test func cronWrapperRunsQuietFromTheWorkspaceAndIsSilentOnSuccess() async throws {
        let setup = try CronSetup()
        defer { setup.sandbox.remove() }
        let result = try await setup.cron(status: 0)
        #expect(result.status == 0)
        #expect(result.text.isEmpty, "cron would mail: \(result.text)")
        #expect(setup.calls == ["\(setup.workspace)|run --quiet"])
        // What ordrecon itself prints under --quiet (warnings) still reaches the mail.
        let warned = try await setup.cron(status: 0, say: "level=warning msg=\"something to see\"")
        #expect(warned.text.contains("something to see"))
        // The summary of a successful run is not mail-worthy; that of a run that rejected rows is.
        #expect(!warned.text.contains("the summary of run --quiet"))
        #expect(try await setup.cron(status: 65).text.contains("the summary of run --quiet"))
    }

    @Test func cronWrapperKeepsATemporaryFailureQuietUntilItLasts() async throws {
        let setup = try CronSetup()
        defer { setup.sandbox.remove() }
        // First 75: quiet, and the marker remembers since when.
        let first = try await setup.cron(status: 75, say: "another instance holds the workspace lock")
        #expect(first.status == 75)
        #expect(first.text.isEmpty, "a fresh 75 must not mail: \(first.text)")
        let since = try #require(
            Int(
                try String(contentsOfFile: setup.marker, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        #expect(abs(since - Int(Date().timeIntervalSince1970)) < 600)
        // Still within the grace period: quiet, and the start is kept.
        #expect(try await setup.cron(status: 75).text.isEmpty)
        #expect(try String(contentsOfFile: setup.marker, encoding: .utf8).contains("\(since)"))

        // The failure began an hour ago (30 minutes of grace by default): loud, with ordrecon's words.
        try "\(since - 3600)\n".write(toFile: setup.marker, atomically: true, encoding: .utf8)
        let lasting = try await setup.cron(status: 75, say: "gateway unreachable")
        #expect(lasting.status == 75)
        #expect(lasting.text.contains("exit 75"))
        #expect(
            lasting.text.contains("has lasted 60 minutes") || lasting.text.contains("has lasted 61 minutes"),
            "\(lasting.text)")
        #expect(lasting.text.contains("gateway unreachable"))
        // A longer grace keeps the same failure quiet.
        #expect(try await setup.cron(status: 75, extra: ["ORDRECON_CRON_GRACE_MINUTES": "120"]).text.isEmpty)

        // A run that gets through ends the episode: the next 75 is quiet again.
        #expect(try await setup.cron(status: 0).text.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: setup.marker))
        #expect(try await setup.cron(status: 75).text.isEmpty)
    }

    @Test func cronWrapperNotesRejectionsBrieflyAndEndsATemporaryFailure() async throws {
        let setup = try CronSetup()
        defer { setup.sandbox.remove() }
        _ = try await setup.cron(status: 75)
        #expect(FileManager.default.fileExists(atPath: setup.marker))
        let result = try await setup.cron(status: 65)
        #expect(result.status == 65)
        let lines = result.text.split(separator: "\n")
        #expect(lines.count == 2, "one short note, then run --quiet's summary: \(result.text)")
        #expect(result.text.contains("rejected"))
        #expect(result.text.contains("ordrecon rejections"))
        #expect(!FileManager.default.fileExists(atPath: setup.marker))
    }

    @Test(arguments: [Int32(78), 70, 74, 1])
    func cronWrapperIsLoudForEverythingElse(status: Int32) async throws {
        let setup = try CronSetup()
        defer { setup.sandbox.remove() }
        let result = try await setup.cron(status: status, say: "the reason, from ordrecon")
        #expect(result.status == status)
        #expect(result.text.contains("the reason, from ordrecon"))
        #expect(result.text.contains(status == 78 ? "configuration" : "exit status \(status)"), "\(result.text)")
        // Not a temporary failure: no marker is started.
        #expect(!FileManager.default.fileExists(atPath: setup.marker))
    }

    @Test func cronWrapperRefusesAMissingWorkspaceOrBinaryLoudly() async throws {
        let setup = try CronSetup()
        defer { setup.sandbox.remove() }
        let environment = ["PATH": "/usr/bin:/bin", "ORDRECON": setup.sandbox.bin + "/ordrecon", "FAKE_STATUS": "0"]
        let noWorkspace = try await Self.run(
            "/bin/sh", Self.cronWrapper, [setup.sandbox.root + "/nowhere"], environment: environment)
        #expect(noWorkspace.status == 78)
        #expect(noWorkspace.text.contains("cannot enter the workspace"))
        // The default binary path is absolute; a missing binary is named.
        let noBinary = try await setup.cron(status: 0, extra: ["ORDRECON": setup.sandbox.root + "/missing/ordrecon"])
        #expect(noBinary.status == 78)
        #expect(noBinary.text.contains("no executable ordrecon"))
        #expect(setup.calls.isEmpty)
    }

    // MARK: scripts/install-deps.sh

    /// Stand-ins: nothing installed (`dpkg-query` fails), not root (`id -u` says 1000), a `sudo`
    /// that clears the environment as sudo's env_reset does, an `apt-get` that logs what it got.
    static func installSandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.script("dpkg-query", "exit 1\n")
        try sandbox.script("id", "[ \"$1\" = -u ] && echo 1000 || /usr/bin/id \"$@\"\n")
        try sandbox.script("sudo", "exec /usr/bin/env -i PATH=\"$PATH\" \"$@\"\n")
        try sandbox.script(
            "apt-get", "echo \"DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-unset} $*\" >>\"\(sandbox.root)/apt.log\"\n")
        try sandbox.script("python3", "exit 0\n")  // jsonschema importable: no pip
        return sandbox
    }

    static func installDeps(_ arguments: [String], in sandbox: Sandbox) async throws -> (output: Output, apt: [String])
    {
        let output = try await run(
            "/bin/bash", TestWorkspace.repositoryRoot + "/scripts/install-deps.sh", arguments,
            environment: ["PATH": sandbox.bin + ":/usr/bin:/bin"])
        let log = (try? String(contentsOfFile: sandbox.root + "/apt.log", encoding: .utf8)) ?? ""
        return (output, log.split(separator: "\n").map(String.init))
    }

    @Test func installDepsBuildSetHasNoBrowserAndKeepsNoninteractiveThroughSudo() async throws {
        let sandbox = try Self.installSandbox()
        defer { sandbox.remove() }
        let (output, apt) = try await Self.installDeps([], in: sandbox)
        #expect(output.status == 0, "\(output.text)")
        #expect(apt.count == 2, "\(apt)")
        #expect(apt.first == "DEBIAN_FRONTEND=noninteractive update -q")
        let install = try #require(apt.last)
        #expect(install.hasPrefix("DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends "))
        let packages = Set(install.split(separator: " ").dropFirst(5).map(String.init))
        // The PDFs' font is made from DejaVu Sans: running needs it, not only the tests.
        for package in [
            "pkg-config", "libsqlite3-dev", "libcurl4-openssl-dev", "libhpdf-dev", "tzdata", "sqlite3",
            "fonts-dejavu-core",
        ] {
            #expect(packages.contains(package), "\(package) missing from \(install)")
        }
        for package in ["chromium", "qpdf", "python3-pip"] {
            #expect(!packages.contains(package), "\(package) is for the tests only: \(install)")
        }
    }

    @Test func installDepsForTestsAddsTheBrowserAndTheTestTools() async throws {
        let sandbox = try Self.installSandbox()
        defer { sandbox.remove() }
        let (output, apt) = try await Self.installDeps(["--for-tests"], in: sandbox)
        #expect(output.status == 0, "\(output.text)")
        let install = try #require(apt.last)
        #expect(install.contains("--no-install-recommends"))
        let packages = Set(install.split(separator: " ").map(String.init))
        for package in [
            "pkg-config", "libhpdf-dev", "chromium", "fonts-dejavu-core", "python3-pip", "poppler-utils", "qpdf",
            "openssl",
        ] {
            #expect(packages.contains(package), "\(package) missing from \(install)")
        }
        // Nothing missing: apt is not called at all.
        try sandbox.script("dpkg-query", "echo 'install ok installed'\n")
        try? FileManager.default.removeItem(atPath: sandbox.root + "/apt.log")
        let (again, none) = try await Self.installDeps(["--for-tests"], in: sandbox)
        #expect(again.status == 0)
        #expect(none.isEmpty, "\(none)")
    }

    // MARK: log priorities for journald

    /// Runs the built binary with standard error into a file, and `JOURNAL_STREAM` naming that
    /// file's device and inode (as systemd does for a service's stream) when `journal` is set.
    static func runWithStandardErrorInAFile(
        _ ws: TestWorkspace, _ arguments: [String], journal: Bool, journalStream: String? = nil
    ) async throws -> (status: Int32, lines: [String]) {
        let path = ws.root + "/stderr-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var status = stat()
        #expect(fstat(handle.fileDescriptor, &status) == 0)
        var environment: [String: String] = [:]
        if journal { environment["JOURNAL_STREAM"] = journalStream ?? "\(status.st_dev):\(status.st_ino)" }
        let process = try ws.start(
            arguments, environment: environment, removing: ["JOURNAL_STREAM", "ORDRECON_LOG_LEVEL"],
            output: .handles(standardOutput: FileHandle.nullDevice, standardError: handle))
        let exit = await process.waitForExit()
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (exit?.status ?? -1, text.split(separator: "\n").map(String.init))
    }

    @Test func binaryGivesJournaldItsPrioritiesOnlyWhenStandardErrorIsTheJournal() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        // An event for an unknown order: rejected, logged at notice; the run itself at info.
        try ws.drop(
            "payments", "p.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            p1,order,NOPE,PAID,2026-04-01T10:00:00+05:30,10.00,pay_1

            """)
        let journal = try await Self.runWithStandardErrorInAFile(ws, ["run"], journal: true)
        #expect(journal.status == 65)
        #expect(!journal.lines.isEmpty)
        for line in journal.lines {
            #expect(line.range(of: #"^<[2-7]>time="#, options: .regularExpression) != nil, "\(line)")
        }
        #expect(journal.lines.contains { $0.hasPrefix("<5>") && $0.contains("level=notice") })
        #expect(journal.lines.contains { $0.hasPrefix("<6>") && $0.contains("level=info") })

        // JOURNAL_STREAM inherited, but standard error is elsewhere: lines as they are.
        try ws.drop(
            "payments", "p2.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            p2,order,NOPE,PAID,2026-04-01T10:00:00+05:30,10.00,pay_2

            """)
        let elsewhere = try await Self.runWithStandardErrorInAFile(ws, ["run"], journal: true, journalStream: "1:1")
        #expect(elsewhere.status == 65)
        #expect(!elsewhere.lines.isEmpty)
        #expect(elsewhere.lines.allSatisfy { $0.hasPrefix("time=") }, "\(elsewhere.lines)")

        // An unusable configuration: the message printed before any logging is an error too.
        try "timezone = 5\n".write(toFile: ws.root + "/config/ordrecon.toml", atomically: true, encoding: .utf8)
        let refused = try await Self.runWithStandardErrorInAFile(ws, ["run"], journal: true)
        #expect(refused.status == 78)
        #expect(!refused.lines.isEmpty)
        #expect(refused.lines.allSatisfy { $0.hasPrefix("<3>") }, "\(refused.lines)")
    }
}
