import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconStore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Dry run: judge one feed file against the current state, changing nothing.",
        discussion: """
            Prints each event's line, event id, entity, outcome, reason code and message exactly as \
            `ordrecon run` would record them now (later events of the file see what earlier ones \
            would have done), then the counts. Nothing is changed: the file stays where it is, no \
            archive, failed, rejection or refund file is written and the database is left as it \
            was (the work is done in one transaction that is rolled back). Without a database yet, \
            the file is judged against an empty state and no database is created. While \
            it judges, it holds the workspace lock (shared, without writing to it): an `ordrecon run` \
            started meanwhile exits 75 and finds the inbox as it was next time.

            Exit status: 0 every event would be applied; 65 at least one event would not be \
            applied (rejected or duplicate) or the whole file would be rejected; 64 the feed is not \
            configured; 66 the file does not exist or cannot be read; 75 an `ordrecon run` kept the \
            workspace busy for 5 seconds; 78 the configuration is unusable or the database is \
            refused (see `ordrecon run --help`).
            """)

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The feed file to check (.csv, .json, .jsonl, .ndjson), anywhere on disk.")
    var file: String

    @Option(name: .long, help: "The feed that would send it (its permissions apply).")
    var feed: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    /// How long to wait for a running `ordrecon run` to let go of the workspace.
    static let lockWaitSeconds = 5.0

    func run() throws {
        let configuration = try options.load(catalog: true)
        let settings = configuration.engineSettings
        guard settings.feed(named: feed) != nil else {
            throw CommandFailure(
                ExitStatus.usage, "unknown_feed",
                "feed \"\(feed)\" is not configured (configured: \(settings.feeds.map(\.name).joined(separator: ", ")))"
            )
        }
        let path = absolute(file)
        let state = try DatabaseGate.check(settings)

        // Keep `run` out while judging, without writing to the lock file (nothing may change).
        let lock: WorkspaceLockProbe?
        do {
            lock = try WorkspaceLockProbe.acquire(path: settings.lockFile, waitSeconds: Self.lockWaitSeconds)
        } catch let held as WorkspaceLock.Held {
            throw CommandFailure.locked("\(held)")
        } catch {
            throw CommandFailure.io("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }

        // A PostgreSQL database without ordrecon's tables holds no state yet: the file is judged
        // against an empty one, and no table is created.
        let databaseExists: Bool
        if settings.postgres != nil {
            if case .database = state { databaseExists = true } else { databaseExists = false }
        } else {
            databaseExists = FileManager.default.fileExists(atPath: settings.database)
        }
        let database = settings.store.description
        let stateText =
            databaseExists
            ? "the current state in \(database)"
            : settings.postgres != nil
                ? "an empty state (no ordrecon tables yet in \(database); none are created)"
                : "an empty state (no database yet at \(database); none is created)"
        let result: DryRunResult
        do {
            result = try Self.judge(path: path, feed: feed, settings: settings, databaseExists: databaseExists)
        } catch let error as DryRunError {
            throw CommandFailure.notFound("file_not_readable", "\(error)")
        } catch let error as StoreError where error.kind == .busy || error.kind == .locked {
            throw CommandFailure.busy(
                "the database is busy (another ordrecon is writing to it); try again when it has finished: \(error)")
        } catch {
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal("\(error) (nothing was changed)")
        }

        if json {
            Console.print(
                Self.json(result, file: file, feed: feed, databaseExists: databaseExists, database: database)
                    .text(indent: 2))
        } else {
            Console.print(Self.text(result, file: file, feed: feed, stateText: stateText))
        }
        if !result.wouldApplyAll { throw ExitStatus.rejected }
    }

    /// Opens the state (the configured store through its factory, or an empty SQLite database in
    /// memory) and dry-runs the file on it. The store is closed before this returns.
    private static func judge(path: String, feed: String, settings: EngineSettings, databaseExists: Bool) throws
        -> DryRunResult
    {
        let store: any StateStore
        if databaseExists {
            // A database at an older schema would be upgraded by opening it for writing: a change.
            _ = try settings.stores.openForReading()
            store = try settings.stores.open()
            store.busyPolicy = BusyPolicy(limit: 5)  // the documented 5 seconds, then exit 75
        } else {
            store = try Store(path: ":memory:")
        }
        let engine = RunEngine(settings: settings, store: store, logger: LoggingSetup.logger(quiet: true))
        return try engine.dryRun(path: path, feed: feed)
    }

    static func text(_ result: DryRunResult, file: String, feed: String, stateText: String) -> String {
        var out = "Dry run of \(file) as feed \(feed), against \(stateText). Nothing was changed.\n"
        if let rejection = result.fileRejection {
            out += "\nFILE REJECTED: \(rejection.code.rawValue): \(rejection.message)\n"
            out += "`ordrecon run` would move the file to failed/\(feed)/ and apply none of its events."
            return out
        }
        if result.verdicts.isEmpty {
            out += "\nThe file holds no events."
            return out
        }
        var rows = [["LINE", "EVENT ID", "ENTITY", "ENTITY ID", "STATUS", "OUTCOME", "CODE", "MESSAGE"]]
        for v in result.verdicts {
            rows.append([
                v.line.map(String.init) ?? "-", v.eventId ?? "-", v.entity ?? "-", v.entityId ?? "-", v.status ?? "-",
                v.outcome.rawValue, v.code?.rawValue ?? "", v.message ?? "",
            ])
        }
        out += "\n" + Table.render(rows) + "\n\n"
        let c = result.counts
        out += "\(c.events) event(s): \(c.applied) would be applied, \(c.duplicate) duplicate, \(c.rejected) rejected"
        let codes = result.rejectedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        if !codes.isEmpty { out += " (\(codes))" }
        out += "."
        return out
    }

    static func json(_ result: DryRunResult, file: String, feed: String, databaseExists: Bool, database: String)
        -> JSONValue
    {
        let c = result.counts
        return .object([
            ("file", .string(file)),
            ("feed", .string(feed)),
            ("state", .string(databaseExists ? "database" : "empty")),
            ("database", .string(database)),
            ("changed", .bool(false)),
            (
                "file_rejection",
                result.fileRejection.map {
                    .object([("code", .string($0.code.rawValue)), ("message", .string($0.message))])
                } ?? .null
            ),
            (
                "events",
                .array(
                    result.verdicts.map { v in
                        .object([
                            ("line", .optional(v.line.map(Int64.init))), ("event_id", .optional(v.eventId)),
                            ("entity", .optional(v.entity)), ("entity_id", .optional(v.entityId)),
                            ("status", .optional(v.status)),
                            ("outcome", .string(v.outcome.rawValue)), ("reason_code", .optional(v.code?.rawValue)),
                            ("message", .optional(v.message)),
                        ])
                    })
            ),
            (
                "counts",
                .object([
                    ("events", .int(Int64(c.events))), ("applied", .int(Int64(c.applied))),
                    ("duplicate", .int(Int64(c.duplicate))), ("rejected", .int(Int64(c.rejected))),
                    (
                        "rejected_by_code",
                        .object(
                            result.rejectedByCode.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
                    ),
                ])
            ),
            ("would_apply_all", .bool(result.wouldApplyAll)),
        ])
    }
}
