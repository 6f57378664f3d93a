import Foundation
import Testing

@testable import OrdreconEngine

/// The one write-then-rename (``AtomicFile``): the file appears whole or not at all, and a
/// failure leaves no temporary file behind.
@Suite(.serialized)
struct AtomicFileTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "ordrecon-atomic-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("writes, replaces, and leaves only the final name", arguments: [AtomicFile.Durability.synced, .deferred])
    func writesAndReplaces(durability: AtomicFile.Durability) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/RF.O-1.C.json"
        try AtomicFile.write("first\n", to: path, durability: durability)
        try AtomicFile.write(Array("second\n".utf8), to: path, durability: durability)
        #expect(try read(path) == "second\n")
        #expect(try names() == ["RF.O-1.C.json"])
        #expect(AtomicFile.temporaryPath(for: path) == directory + "/.RF.O-1.C.json.tmp")
    }

    @Test("keepExisting never replaces: EEXIST, the old file as it was, no temporary file")
    func keepExisting() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/IN-26-27-0000001.pdf"
        try AtomicFile.write("original", to: path, placement: .keepExisting)
        #expect(throws: FileSystemError.self) { try AtomicFile.write("other", to: path, placement: .keepExisting) }
        do {
            try AtomicFile.write("other", to: path, durability: .deferred, placement: .keepExisting)
        } catch {
            #expect(error.errno == EEXIST && error.operation == "move to" && error.path == path)
        }
        #expect(try read(path) == "original")
        #expect(try names() == ["IN-26-27-0000001.pdf"])
    }

    @Test("a rename that fails leaves the final name untouched and no temporary file")
    func failedRename() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A non-empty folder at the final name: rename(2) refuses to put a file there.
        let path = directory + "/report.html"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        do {
            try AtomicFile.write("<p>new</p>", to: path)
            Issue.record("the rename succeeded")
        } catch {
            #expect(error.operation == AtomicFile.renameOperation && error.path == path && error.errno == EISDIR)
            #expect("\(error)" == "rename into \(path): \(String(cString: strerror(EISDIR)))")
        }
        #expect(try names() == ["report.html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inside"])
    }

    @Test("a folder that does not exist fails at create, naming the temporary file")
    func missingFolder() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/missing/x.reason"
        do {
            try AtomicFile.write("x", to: path)
            Issue.record("written into a missing folder")
        } catch {
            #expect(
                error.operation == "create" && error.path == directory + "/missing/.x.reason.tmp"
                    && error.errno == ENOENT)
        }
        #expect(try names().isEmpty)
    }

    @Test("a 255-byte name gets a temporary name that fits, and is written")
    func longestName() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = String(repeating: "n", count: 255 - ".rejected.csv".count) + ".rejected.csv"
        let temporary = AtomicFile.temporaryPath(for: directory + "/" + name)
        let temporaryName = String(temporary.dropFirst(directory.count + 1))
        #expect(temporaryName.utf8.count <= 255 && temporaryName.hasPrefix(".") && temporaryName.hasSuffix(".tmp"))
        try AtomicFile.write("rows\n", to: directory + "/" + name)
        #expect(try names() == [name])
    }

    @Test("a bare name is written in the current folder")
    func bareName() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(AtomicFile.temporaryPath(for: "ordrecon.prom") == "./.ordrecon.prom.tmp")
        #expect(AtomicFile.temporaryPath(for: "/ordrecon.prom") == "/.ordrecon.prom.tmp")
    }
}
