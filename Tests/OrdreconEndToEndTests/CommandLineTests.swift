import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

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
}
