import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a careless or hostile partner can put into an inbox, through the built binary: each
/// poison entry is dropped before a valid file, and the run must end in time with 0 or 65, apply
/// the valid file, put the poison where the contract says, and copy no secret into any output.
/// Files that cannot be moved or read, and writers that hold a file, are in HostileFileAccessTests.
@Suite(.runsPrograms)
struct HostileInboxTests {
    @Test func linksPipesSocketsAndFoldersAreFailedWithoutBeingOpened() async throws {
        let s = try Setting()
        defer { s.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: s.inbox + "/outside.csv", withDestinationPath: s.outside + "/secret.csv")
        try FileManager.default.createSymbolicLink(
            atPath: s.inbox + "/environ.csv", withDestinationPath: "/proc/self/environ")
        try FileManager.default.createSymbolicLink(
            atPath: s.inbox + "/dangling.csv", withDestinationPath: s.outside + "/nothing.csv")
        #expect(mkfifo(s.inbox + "/pipe.csv", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: s.inbox + "/folder.csv", withIntermediateDirectories: false)
        try "x".write(toFile: s.inbox + "/folder.csv/inside.csv", atomically: true, encoding: .utf8)
        let socketPath = s.inbox + "/socket.csv"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in socketPath.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        defer { close(fd) }
        #expect(bound == 0)
        let entries = ["outside.csv", "environ.csv", "dangling.csv", "pipe.csv", "folder.csv", "socket.csv"]
        for (i, name) in entries.enumerated() { s.age(name, i + 1) }
        try s.ws.drop("storefront", "valid.csv", Self.valid("links"), order: 100)

        let result = try await s.run()
        try s.expectSurvived(result, validId: "links")
        #expect(result.status == 65)
        let failed = s.ws.root + "/failed/storefront/"
        for name in entries {
            var st = stat()
            #expect(lstat(failed + name, &st) == 0, "\(name) is not in failed/")
            #expect(st.st_mode & S_IFMT != S_IFREG, "\(name) was replaced by a regular file")
            #expect(FileManager.default.fileExists(atPath: failed + name + ".reason"))
        }
        #expect(try String(contentsOfFile: failed + "outside.csv.reason", encoding: .utf8).contains("symbolic link"))
        #expect(try String(contentsOfFile: failed + "pipe.csv.reason", encoding: .utf8).contains("FIFO"))
        #expect(try String(contentsOfFile: failed + "folder.csv/inside.csv", encoding: .utf8) == "x")
        let records = try s.ws.query("SELECT file_name, reason_code FROM audit_log WHERE event_id IS NULL ORDER BY id")
        #expect(records == entries.map { [$0, "bad_file"] })
        #expect(s.ws.files(in: "inbox/storefront").isEmpty)
    }

    @Test func amountsThatDoNotFitAreInvalidValueNotACrash() async throws {
        let s = try Setting()
        defer { s.remove() }
        let poison =
            Self.header
            + "P1,order,OP1,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1000000,10000000000000.00\n"
            + "P2,order,OP2,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,999999,9999999999999.99\n"
            + "P3,order,OP3,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,6000000000000.00\n"
            + "P3,order,OP3,PENDING_PAYMENT,2026-01-01T10:00:00,C1,B,1,6000000000000.00\n"
            + "P4,order,OP4,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,99999999999999999999999.00\n"
        try s.ws.drop("storefront", "huge.csv", poison, order: 1)
        try s.ws.drop("storefront", "valid.csv", Self.valid("huge"), order: 2)
        let result = try await s.run()
        try s.expectSurvived(result, validId: "huge")
        #expect(result.status == 65)
        let codes = try s.ws.query(
            "SELECT event_id, outcome, reason_code FROM audit_log WHERE file_name = 'huge.csv' ORDER BY line")
        #expect(
            codes == [
                ["P1", "rejected", "invalid_value"], ["P2", "rejected", "invalid_value"],
                ["P3", "rejected", "invalid_value"],
                ["P4", "rejected", "invalid_value"],
            ])
        let messages = try s.ws.query("SELECT message FROM audit_log WHERE file_name = 'huge.csv' ORDER BY line").map {
            $0[0] ?? ""
        }
        #expect(messages[0...2].allSatisfy { $0.contains("largest order total accepted") }, "\(messages)")
        #expect(s.ws.files(in: "archive/storefront") == ["huge.csv", "valid.csv"])
        #expect(s.ws.files(in: "outbox/rejections/storefront") == ["huge.csv.rejected.csv"])
    }

    @Test func namesOfAnyBytesAndAnyLengthAreProcessed() async throws {
        let s = try Setting()
        defer { s.remove() }
        // 255 bytes, the longest a name may be: every name derived from it must be shortened.
        let long = String(repeating: "n", count: 251) + ".csv"
        let rejectedRow = Self.header + "L1,order,OL1,PAID,2026-01-01T10:00:00,,,,\n"
        try s.dropUnderShortName(long, rejectedRow, order: 1)
        // Not UTF-8, with a line feed and an escape byte in it.
        let rawName: [UInt8] = Array("bad-".utf8) + [0xFF, 0x0A, 0x1B] + Array("-name.csv".utf8)
        let rawPath = Array(s.inbox.utf8) + [UInt8(ascii: "/")] + rawName
        let data = Array(
            Self.valid("raw").replacingOccurrences(of: "V-raw", with: "R-raw").replacingOccurrences(
                of: "OV-raw", with: "OR-raw"
            ).utf8)
        let fd = (rawPath + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        }
        #expect(fd >= 0)
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var times = [timespec(tv_sec: 1_700_000_002, tv_nsec: 0), timespec(tv_sec: 1_700_000_002, tv_nsec: 0)]
        _ = (rawPath + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { utimensat(AT_FDCWD, $0.baseAddress!, &times, 0) }
        }
        // Other legal but awkward names.
        for (i, name) in ["-leading dash.csv", "quote\"and'.csv", "₹ rupee ünïcode.CSV", "spaces  in  name .jsonl"]
            .enumerated()
        {
            let content =
                name.hasSuffix(".jsonl")
                ? "{\"event_id\":\"J\(i)\",\"entity\":\"order\",\"order_id\":\"OJ\(i)\",\"status\":\"PENDING_PAYMENT\",\"occurred_at\":\"2026-01-01T10:00:00\",\"customer_id\":\"C\",\"items\":[{\"sku\":\"A\",\"quantity\":1,\"unit_price\":\"1.00\"}]}\n"
                : Self.header + "N\(i),order,ON\(i),PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\n"
            try s.ws.drop("storefront", name, content, order: 10 + i)
        }
        try s.ws.drop("storefront", "valid.csv", Self.valid("names"), order: 100)

        var result = try await s.run()
        try s.expectSurvived(result, validId: "names")
        // The same long name again: archived under a second, still legal, name.
        try s.dropUnderShortName(long, rejectedRow.replacingOccurrences(of: "L1,", with: "L2,"), order: 200)
        result = try await s.run()
        #expect(!result.timedOut)
        #expect(result.status == 65, "\(result.stderr)")

        #expect(try s.ws.query("SELECT outcome FROM audit_log WHERE event_id = 'R-raw'") == [["applied"]])
        #expect(
            try s.ws.query("SELECT DISTINCT file_name FROM audit_log WHERE event_id = 'R-raw'") == [
                ["bad-\\xff\\x0a\\x1b-name.csv"]
            ])
        #expect(
            try s.ws.count(
                "SELECT COUNT(*) FROM audit_log WHERE event_id IN ('N0','N1','N2','J3') AND outcome = 'applied'") == 4)
        #expect(try s.ws.query("SELECT DISTINCT file_name FROM audit_log WHERE event_id IN ('L1', 'L2')") == [[long]])
        for folder in ["archive/storefront", "outbox/rejections/storefront"] {
            let names = s.ws.files(in: folder)
            #expect(names.allSatisfy { $0.utf8.count <= 255 }, "\(folder): \(names)")
        }
        let archived = s.ws.files(in: "archive/storefront").filter { $0.hasPrefix("nnnn") }
        #expect(archived.count == 2)
        #expect(archived.allSatisfy { $0.hasSuffix(".csv") })
        #expect(
            s.ws.files(in: "outbox/rejections/storefront").filter {
                $0.hasSuffix(".rejected.csv") && $0.hasPrefix("nnnn")
            }.count == 2)
        #expect(s.ws.files(in: "inbox/storefront").isEmpty)
    }

    @Test func bareCarriageReturnsFailTheFileLoudly() async throws {
        let s = try Setting()
        defer { s.remove() }
        let macText =
            Self.header.replacingOccurrences(of: "\n", with: "\r")
            + "M1,order,OM1,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\rM2,order,OM2,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\r"
        try s.ws.drop("storefront", "mac.csv", macText, order: 1)
        // A CR inside quotes is data, not a line end.
        let quoted = Self.header + "Q1,order,OQ1,PENDING_PAYMENT,2026-01-01T10:00:00,\"C\r1\",A,1,70.00\r\n"
        try s.ws.drop("storefront", "quoted.csv", quoted, order: 2)
        try s.ws.drop("storefront", "valid.csv", Self.valid("cr"), order: 3)
        let result = try await s.run()
        try s.expectSurvived(result, validId: "cr")
        #expect(result.status == 65)
        #expect(try s.ws.query("SELECT reason_code FROM audit_log WHERE file_name = 'mac.csv'") == [["bad_file"]])
        #expect(try s.ws.read("failed/storefront/mac.csv.reason").contains("bare CR"))
        #expect(try s.ws.query("SELECT outcome FROM audit_log WHERE event_id = 'Q1'") == [["applied"]])
    }
}

extension HostileInboxTests {
    /// Poison of every kind the inbox can hold, then a valid file: made in a staging folder with
    /// their times set, then renamed into the inbox one by one, oldest first (as a partner would
    /// deliver them; a rename keeps the entry and its time).
    static func dropPoison(_ s: Setting) throws {
        let staging = s.ws.root + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: staging + "/link.csv", withDestinationPath: s.outside + "/secret.csv")
        #expect(mkfifo(staging + "/pipe.csv", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: staging + "/folder.csv", withIntermediateDirectories: false)
        try
            (header.replacingOccurrences(of: "\n", with: "\r")
            + "C1,order,OC1,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\r")
            .write(toFile: staging + "/mac.csv", atomically: false, encoding: .utf8)
        let oddName: [UInt8] = Array("odd-".utf8) + [0xFE, 0x0A] + Array(".csv".utf8)
        let data = Array((header + "X1,order,OX1,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\n").utf8)
        try withRawPath(staging, oddName) { path in
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        try (valid("same")).write(toFile: staging + "/valid.csv", atomically: false, encoding: .utf8)
        let order: [[UInt8]] =
            ["link.csv", "pipe.csv", "folder.csv", "mac.csv"].map { Array($0.utf8) } + [
                oddName, Array("valid.csv".utf8),
            ]
        for (i, name) in order.enumerated() {
            var times = [
                timespec(tv_sec: 1_700_000_001 + i, tv_nsec: 0), timespec(tv_sec: 1_700_000_001 + i, tv_nsec: 0),
            ]
            try withRawPath(staging, name) { from in
                #expect(utimensat(AT_FDCWD, from, &times, AT_SYMLINK_NOFOLLOW) == 0)
                try withRawPath(s.inbox, name) { to in #expect(rename(from, to) == 0) }
            }
        }
    }

    static func withRawPath(_ directory: String, _ name: [UInt8], _ body: (UnsafePointer<CChar>) throws -> Void) throws
    {
        let bytes = Array((directory + "/").utf8) + name + [0]
        try bytes.withUnsafeBufferPointer { try $0.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) } }
    }

    /// What a workspace's audit log and folders say about the poison, to compare run and watch.
    static func outcome(_ s: Setting) throws -> [String] {
        let records = try s.ws.query(
            "SELECT file_name, line, event_id, outcome, reason_code, message FROM audit_log ORDER BY id")
        return records.map { $0.map { $0 ?? "NULL" }.joined(separator: "|") }
            + ["failed: " + s.ws.files(in: "failed/storefront").joined(separator: ",")]
            + ["archive: " + s.ws.files(in: "archive/storefront").joined(separator: ",")]
    }

    @Test func theDaemonTreatsHostileEntriesExactlyAsRunDoes() async throws {
        let byRun = try Setting()
        defer { byRun.remove() }
        try Self.dropPoison(byRun)
        let result = try await byRun.run()
        try byRun.expectSurvived(result, validId: "same")

        let byWatch = try Setting()
        defer { byWatch.remove() }
        let daemon = try DaemonProcess(byWatch.ws, ["watch"])
        defer { daemon.kill() }
        #expect(
            await eventually(timeout: .seconds(60)) { ((try? byWatch.ws.count("SELECT COUNT(*) FROM runs")) ?? 0) > 0 },
            "\(daemon.tail())")
        try Self.dropPoison(byWatch)
        let done = await eventually(timeout: .seconds(120)) {
            ((try? byWatch.ws.count("SELECT COUNT(*) FROM audit_log")) ?? 0) >= 6
                && byWatch.ws.files(in: "inbox/storefront").isEmpty
        }
        #expect(done, "\(daemon.tail())")
        #expect(await daemon.stop() == 0)
        let (watched, ran) = (try Self.outcome(byWatch), try Self.outcome(byRun))
        #expect(watched == ran, "watch:\n\(watched.joined(separator: "\n"))\nrun:\n\(ran.joined(separator: "\n"))")
        let log = daemon.lines.joined(separator: "\n")
        #expect(!log.contains(Self.fileSecret) && !log.contains(Self.tokenSecret))
    }
}
