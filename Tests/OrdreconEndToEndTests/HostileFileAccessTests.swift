import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Inbox files ordrecon cannot move or read, and partners still writing a file it takes: the
/// run reports them, goes on with the rest, and judges every row once (the built binary, as in
/// HostileInboxTests).
@Suite(.runsPrograms)
struct HostileFileAccessTests {
    typealias Setting = HostileInboxTests.Setting
    static let header = HostileInboxTests.header
    static func valid(_ id: String) -> String { HostileInboxTests.valid(id) }

    @Test(.enabled(if: geteuid() == 0, "only root can make a file that cannot be renamed (chattr +i)"))
    func anEntryThatCannotBeMovedIsReportedOnEveryRunAndSkipped() async throws {
        let s = try Setting()
        defer {
            _ = setImmutable(s.inbox + "/stuck.csv", false)
            s.remove()
        }
        try s.ws.drop("storefront", "stuck.csv", Self.valid("stuck"), order: 1)
        try #require(setImmutable(s.inbox + "/stuck.csv", true), "the immutable flag (chattr +i) is not supported here")
        try s.ws.drop("storefront", "valid.csv", Self.valid("after-stuck"), order: 2)
        for round in 1...2 {
            let result = try await s.run()
            #expect(!result.timedOut)
            #expect(result.status == 65, "round \(round): \(result.stderr)")
            #expect(result.stdout.contains("NOT PROCESSED: storefront/stuck.csv"), "round \(round): \(result.stdout)")
            #expect(result.stderr.contains("cannot be moved"))
        }
        #expect(try s.ws.query("SELECT outcome FROM audit_log WHERE event_id = 'V-after-stuck'") == [["applied"]])
        #expect(s.ws.files(in: "inbox/storefront") == ["stuck.csv"])
    }

    @Test(.enabled(if: geteuid() == 0, "runs the binary as another user (setpriv), which needs root"))
    func aFileOrdreconMayNotReadIsFailedAndTheRestGoesOn() async throws {
        let s = try Setting()
        defer { s.remove() }
        // ordrecon runs as `nobody`; the partner's file belongs to root with mode 600.
        try s.ws.drop("storefront", "private.csv", Self.valid("private"), order: 1)
        try s.ws.drop("storefront", "valid.csv", Self.valid("readable"), order: 2)
        let binary = s.outside + "/ordrecon"
        try FileManager.default.copyItem(atPath: TestWorkspace.binary, toPath: binary)
        chmod(s.outside, 0o755)
        let chown = try await ChildProcess.run("/bin/chown", ["-R", "nobody:nogroup", s.ws.root])
        #expect(chown.status == 0, "\(chown.stderr)")
        chmod(s.ws.root, 0o755)
        #expect(Glibc.chown(s.inbox + "/private.csv", 0, 0) == 0)
        chmod(s.inbox + "/private.csv", 0o600)
        var directory = s.ws.root
        while directory != "/" {  // every folder above the workspace must let `nobody` through
            directory = (directory as NSString).deletingLastPathComponent
            var st = stat()
            if stat(directory, &st) == 0, st.st_mode & 0o001 == 0 {
                chmod(directory, mode_t(st.st_mode & 0o7777) | 0o001)
            }
        }
        let result = try await ChildProcess.run(
            "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", binary, "run"],
            directory: s.ws.root)
        #expect(result.status == 65, "\(result.stdout)")
        #expect(try s.ws.query("SELECT outcome FROM audit_log WHERE event_id = 'V-readable'") == [["applied"]])
        #expect(try s.ws.query("SELECT reason_code FROM audit_log WHERE file_name = 'private.csv'") == [["bad_file"]])
        #expect(try s.ws.read("failed/storefront/private.csv.reason").contains("Permission denied"))
    }

    @Test func rowsWrittenIntoAFileAfterItWasTakenAreJudged() async throws {
        let s = try Setting()
        defer { s.remove() }
        // A partner writes in place (no temporary name) and is still appending when the run starts.
        let path = s.inbox + "/inplace.csv"
        let handle = try #require(
            FileHandle(
                forWritingAtPath: {
                    FileManager.default.createFile(atPath: path, contents: nil)
                    return path
                }()))
        handle.write(Data(Self.header.utf8))
        func row(_ i: Int) -> Data {
            Data("W\(i),order,OW\(i),PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\n".utf8)
        }
        for i in 0..<20 { handle.write(row(i)) }
        try s.ws.drop("storefront", "valid.csv", Self.valid("inplace"), order: 2_000_000_000 - 1_700_000_000)
        let run = try s.ws.start(["run"], output: .discarded)
        // Appends 40 more rows while the run has the file, one every 20 ms (a partner's pace: the
        // run may find the file still growing or settled; both are checked below), then closes it.
        for i in 20..<60 {
            handle.write(row(i))
            try? await Task.sleep(for: .milliseconds(20))
        }
        try handle.close()
        #expect(await run.waitForExit()?.exitStatus == 0)
        var judged = try s.ws.count("SELECT COUNT(*) FROM audit_log WHERE event_id LIKE 'W%'")
        if judged < 60 {
            // The writer outlasted the settle time: the file waits in var/processing for the next run.
            let again = try await s.run()
            #expect(again.status == 0, "\(again.stderr)")
            judged = try s.ws.count("SELECT COUNT(*) FROM audit_log WHERE event_id LIKE 'W%'")
        }
        #expect(judged == 60)
        #expect(try s.ws.count("SELECT COUNT(*) FROM audit_log WHERE event_id LIKE 'W%' AND outcome = 'applied'") == 60)
        #expect(s.ws.files(in: "archive/storefront").contains("inplace.csv"))
    }

    @Test func aWriterThatNeverStopsDoesNotHoldTheRun() async throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "settle_ms = 2000", with: "settle_ms = 300")
        #expect(config != TestWorkspace.defaultConfig)
        let ws = try TestWorkspace(config: config)
        defer { ws.remove() }
        try FileManager.default.createDirectory(
            atPath: ws.root + "/inbox/storefront", withIntermediateDirectories: true)
        let path = ws.root + "/inbox/storefront/endless.csv"
        FileManager.default.createFile(atPath: path, contents: Data(Self.header.utf8))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data("E0,order,OE0,PENDING_PAYMENT,2026-01-01T10:00:00,C1,A,1,70.00\n".utf8))
        try ws.drop("storefront", "valid.csv", Self.valid("endless"), order: 2_000_000_000 - 1_700_000_000)
        let result = try await ws.run(["run"], timeout: .seconds(60))
        #expect(!result.timedOut)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LEFT FOR THE NEXT RUN: storefront/endless.csv"))
        #expect(ws.files(in: "var/processing/storefront") == ["endless.csv"])
        #expect(try ws.query("SELECT outcome FROM audit_log WHERE event_id = 'V-endless'") == [["applied"]])
        // Once the writer is gone, the next run takes it.
        try handle.close()
        let next = try await ws.run(["run"], timeout: .seconds(60))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try ws.query("SELECT outcome FROM audit_log WHERE event_id = 'E0'") == [["applied"]])
        #expect(ws.files(in: "archive/storefront").contains("endless.csv"))
    }
}

/// Sets or clears a file's immutable flag (what `chattr +i` and `chattr -i` do), through the
/// `FS_IOC_GETFLAGS` and `FS_IOC_SETFLAGS` ioctls. - Returns: whether it worked.
func setImmutable(_ path: String, _ immutable: Bool) -> Bool {
    let getFlags: UInt = 0x8008_6601  // _IOR('f', 1, long)
    let setFlags: UInt = 0x4008_6602  // _IOW('f', 2, long)
    let immutableFlag: Int32 = 0x10  // FS_IMMUTABLE_FL
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var flags: Int32 = 0
    guard ioctl(fd, getFlags, &flags) == 0 else { return false }
    flags = immutable ? flags | immutableFlag : flags & ~immutableFlag
    return ioctl(fd, setFlags, &flags) == 0
}
