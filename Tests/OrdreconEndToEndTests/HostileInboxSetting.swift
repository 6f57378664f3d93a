import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// The workspace and helpers HostileInboxTests and HostileFileAccessTests share.

extension HostileInboxTests {
    static let header = "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"
    static let tokenSecret = "tok-ENVSECRET-7c1f"
    static let fileSecret = "FILESECRET-93ab"

    /// A valid order creation with its own ids.
    static func valid(_ id: String) -> String {
        header + "V-\(id),order,OV-\(id),PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00\n"
    }

    /// A workspace, and a file outside it that holds a secret (the target of hostile links).
    final class Setting: Sendable {
        let ws: TestWorkspace
        let outside: String

        init() throws {
            ws = try TestWorkspace()
            outside = NSTemporaryDirectory() + "ordrecon-outside-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try (Self.secretCSV).write(toFile: outside + "/secret.csv", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(
                atPath: ws.root + "/inbox/storefront", withIntermediateDirectories: true)
        }

        static var secretCSV: String {
            header + "\(fileSecret),order,\(fileSecret),PENDING_PAYMENT,2026-01-01T10:00:00,\(fileSecret),A,1,1.00\n"
        }

        var inbox: String { ws.root + "/inbox/storefront" }

        func remove() {
            ws.remove()
            try? FileManager.default.removeItem(atPath: outside)
        }

        /// Sets an entry's modification time (seconds after a fixed base) without following links.
        func age(_ name: String, _ order: Int) {
            var times = [
                timespec(tv_sec: 1_700_000_000 + order, tv_nsec: 0),
                timespec(tv_sec: 1_700_000_000 + order, tv_nsec: 0),
            ]
            _ = utimensat(AT_FDCWD, inbox + "/" + name, &times, AT_SYMLINK_NOFOLLOW)
        }

        /// Drops a file whose name is too long for a `.part` suffix: written as `x.part`, renamed.
        func dropUnderShortName(_ name: String, _ content: String, order: Int) throws {
            try content.write(toFile: inbox + "/x.part", atomically: false, encoding: .utf8)
            age("x.part", order)
            #expect(rename(inbox + "/x.part", inbox + "/" + name) == 0)
        }

        /// Runs `ordrecon run` with the gateway token set to the secret, bounded in time.
        func run() async throws -> TestWorkspace.Result {
            try await ws.run(
                ["run"], environment: ["ORDRECON_GATEWAY_TOKEN": HostileInboxTests.tokenSecret], timeout: .seconds(60))
        }

        /// The valid file dropped after the poison was applied, the run ended in time with 0 or 65,
        /// and neither secret is in the output or in any file the workspace holds.
        func expectSurvived(
            _ result: TestWorkspace.Result, validId: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            #expect(!result.timedOut, "the run hung", sourceLocation: sourceLocation)
            #expect(
                [0, 65].contains(result.status), "exit \(result.status): \(result.stderr)",
                sourceLocation: sourceLocation)
            #expect(
                try ws.query("SELECT outcome FROM audit_log WHERE event_id = 'V-\(validId)'") == [["applied"]],
                sourceLocation: sourceLocation)
            for secret in [HostileInboxTests.tokenSecret, HostileInboxTests.fileSecret] {
                #expect(!result.stdout.contains(secret), "stdout holds a secret", sourceLocation: sourceLocation)
                #expect(!result.stderr.contains(secret), "stderr holds a secret", sourceLocation: sourceLocation)
                for path in regularFiles(under: ws.root) {
                    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
                    #expect(
                        bytes.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }
}

/// Regular files under `root`, recursively (symbolic links are not followed).
func regularFiles(under root: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
    var paths: [String] = []
    while let relative = enumerator.nextObject() as? String {
        let path = root + "/" + relative
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG { paths.append(path) }
    }
    return paths
}
