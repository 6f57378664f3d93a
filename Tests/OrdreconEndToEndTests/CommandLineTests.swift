import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The command line as a user and a script see it, through the built binary: `--version`,
/// exit statuses, errors as JSON, usage of a subcommand. What `run` prints (--quiet, progress,
/// log levels) is in RunOutputTests.
@Suite(.runsPrograms)
struct CommandLineTests {
    @Test func versionComesFromBuildInfo() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let result = try await ws.run(["--version"])
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
    @Test func failuresExitWithTheirDocumentedStatus() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        // No database yet: the review commands say so (66).
        for arguments in [
            ["order", "O1"], ["return", "R1"], ["refunds"], ["refunds", "show", "RF1"], ["refunds", "retry", "RF1"],
            ["invoices"], ["invoice", "show", "IN/26-27/0000001"], ["invoices", "render", "--missing"], ["audit"],
            ["rejections"],
        ] {
            let result = try await ws.run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("ordrecon: no database yet"), "\(arguments): \(result.stderr)")
        }
        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try await ws.run(["run"]).status == 0)

        // Unknown ids (66).
        for (arguments, message) in [
            (["order", "NOPE"], "order NOPE is unknown"), (["return", "NOPE"], "return NOPE is unknown"),
            (["refunds", "show", "NOPE"], "refund NOPE is unknown"),
            (["refunds", "retry", "NOPE"], "refund NOPE is unknown"),
            (["invoice", "show", "IN/26-27/0000404"], "no invoice or credit note IN/26-27/0000404"),
        ] {
            let result = try await ws.run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr == "ordrecon: " + message
                    + (message.hasPrefix("refund") ? " (see `ordrecon refunds`)" : "")
                    + (message.hasPrefix("no invoice") ? " (see `ordrecon invoices`)" : "") + "\n", "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        // validate: a feed that is not configured is a bad argument (64); a missing file, 66.
        let unknownFeed = try await ws.run(["validate", "x.csv", "--feed", "nope"])
        #expect(
            unknownFeed.status == 64 && unknownFeed.stderr.contains("feed \"nope\" is not configured"),
            "\(unknownFeed.stderr)")
        #expect(try await ws.run(["validate", "missing.csv", "--feed", "storefront"]).status == 66)
        // init where a configuration is: nothing is overwritten (73).
        let initAgain = try await ws.run(["init"])
        #expect(initAgain.status == 73 && initAgain.stderr.contains("already exists"), "\(initAgain.stderr)")
        // generate into a path below a regular file: it cannot write (74; it was an uncaught 1).
        try "".write(toFile: ws.root + "/blocker", atomically: true, encoding: .utf8)
        let generate = try await ws.run(["generate", "--orders", "1", "--out", "blocker/work"])
        #expect(generate.status == 74, "\(generate.stderr)")
        #expect(
            generate.stderr.hasPrefix("ordrecon: cannot write the workload into " + ws.root + "/blocker/work"),
            "\(generate.stderr)")
        // mock-gateway on a port that is taken cannot serve (69).
        let gateway = try await ws.run(
            ["mock-gateway", "--port", "\(TestWorkspace.closedPort)"], timeout: .seconds(30))
        #expect(!gateway.timedOut)
        #expect(gateway.status == 69, "\(gateway.stderr)")
        // A configuration that does not load: 78, whatever the command.
        for arguments in [
            ["run"], ["order", "O1"], ["refunds", "retry", "X"], ["validate", "x.csv", "--feed", "storefront"],
        ] {
            let result = try await ws.run(arguments + ["--config", "nowhere/ordrecon.toml"])
            #expect(result.status == 78, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("ordrecon: configuration file not found"), "\(arguments)")
        }
    }

    /// No command may exit 1 again: the CLI sources name no such status.
    @Test func noSourceOfTheCommandLineExitsOne() async throws {
        let folder = TestWorkspace.repositoryRoot + "/Sources/OrdreconApp"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }
        #expect(names.count > 10 && names.contains("RunCommand.swift"), "\(names)")
        let forbidden = [
            "ExitCode.failure", "ExitCode(1)", "ExitCode(rawValue: 1)", "ExitCode(EXIT_FAILURE)", "exit(1)",
            "exit(EXIT_FAILURE)",
            "throw .failure", "= .failure",
        ]
        for name in names {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8).replacingOccurrences(
                of: " ", with: "")
            for pattern in forbidden {
                #expect(!text.contains(pattern.replacingOccurrences(of: " ", with: "")), "\(name) contains \(pattern)")
            }
        }
    }

    /// docs/commands.md names every command of `ordrecon --help` and every error code the
    /// sources can fail with, and says where the version is bumped.
    @Test func commandsDocNamesEveryCommandAndErrorCode() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let doc = try String(contentsOfFile: TestWorkspace.repositoryRoot + "/docs/commands.md", encoding: .utf8)
        let help = try await ws.run(["--help"])
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
        let folder = TestWorkspace.repositoryRoot + "/Sources/OrdreconApp"
        var codes: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".swift") {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for pattern in [
                #"CommandFailure\(\s*ExitStatus\.\w+,\s*"([a-z_]+)""#, #"notFound\("([a-z_]+)""#,
                #"ExitStatus\.\w+, "([a-z_]+)""#,
            ] {
                let regex = try NSRegularExpression(pattern: pattern)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let range = Range(match.range(at: 1), in: text) { codes.insert(String(text[range])) }
                }
            }
        }
        codes.formUnion([
            "usage", "configuration_unusable", "database_refused", "workspace_locked", "database_busy", "no_database",
            "io_error", "internal_error",
        ])
        #expect(
            codes.isSuperset(of: [
                "order_not_found", "workspace_exists", "unknown_feed", "refund_not_failed", "cannot_serve",
            ]), "\(codes.sorted())")
        for code in codes {
            #expect(doc.contains("`\(code)`"), "docs/commands.md lacks the error code \(code)")
        }
        #expect(doc.contains("Sources/OrdreconCore/BuildInfo.swift") && doc.contains("scripts/build-release.sh"))
        #expect(!doc.contains("../shared") && !doc.contains("FEED_CONTRACT"))
    }

    // MARK: Errors as JSON

    /// The `error` object of a JSON error on standard output: code, message and exit status.
    static func jsonError(_ result: TestWorkspace.Result, _ arguments: [String]) throws -> (
        code: String, message: String, status: Int
    ) {
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): one line expected: \(result.stdout)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(arguments): \(result.stdout)")
        #expect(object.keys.sorted() == ["error"], "\(arguments)")
        let error = try #require(object["error"] as? [String: Any], "\(arguments)")
        #expect(error.keys.sorted() == ["code", "exit_status", "message"], "\(arguments)")
        return (error["code"] as? String ?? "", error["message"] as? String ?? "", error["exit_status"] as? Int ?? -1)
    }

    /// Every command that prints JSON prints its failures as one JSON object on standard output,
    /// with the same exit status as in text, and nothing on standard error.
    @Test func everyJSONCommandFailsInJSON() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let noDatabase = try await ws.run(["order", "O1", "--json"])
        #expect(noDatabase.status == 66 && noDatabase.stderr.isEmpty, "\(noDatabase.stderr)")
        let first = try Self.jsonError(noDatabase, ["order"])
        #expect(
            first.code == "no_database" && first.status == 66
                && first.message.hasPrefix("no database yet at " + ws.root))

        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try await ws.run(["run"]).status == 0)
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
            let result = try await ws.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            let error = try Self.jsonError(result, arguments)
            #expect(
                error.code == code && error.status == Int(status) && !error.message.isEmpty, "\(arguments): \(error)")
        }
        // The same failure without --json: text on standard error, nothing on standard output.
        let text = try await ws.run(["order", "NOPE"])
        #expect(text.status == 66 && text.stdout.isEmpty && text.stderr == "ordrecon: order NOPE is unknown\n")

        // Another instance holds the workspace: 75, in JSON too.
        let lock = try WorkspaceLock(path: ws.root + "/var/ordrecon.lock")
        defer { withExtendedLifetime(lock) {} }
        for arguments in [["run", "--json"], ["dispatch", "--json"]] {
            let held = try await ws.run(arguments)
            #expect(held.status == 75, "\(arguments): \(held.stderr)")
            let error = try Self.jsonError(held, arguments)
            #expect(
                error.code == "workspace_locked" && error.status == 75
                    && error.message.contains("holds the workspace lock"))
        }
    }

    // MARK: Usage of a subcommand

    /// A bad option or value of a subcommand shows that subcommand's usage, not the top-level
    /// one, whether the parser finds it or the command's own checks do; exit 64.
    @Test func aBadArgumentShowsTheSubcommandsUsage() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders)
        #expect(try await ws.run(["run"]).status == 0)
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
            let result = try await ws.run(arguments, timeout: .seconds(30))
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("\nUsage: \(command) "), "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains("See '\(command) --help' for more information."),
                "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("ordrecon <subcommand>"), "\(arguments): \(result.stderr)")
        }
    }
}
