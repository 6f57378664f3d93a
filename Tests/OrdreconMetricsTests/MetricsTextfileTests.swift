import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconMetrics
import Testing

// More of OrdreconMetricsTests: the textfile for node_exporter's textfile collector.

extension OrdreconMetricsTests {
    // MARK: Textfile

    @Test func theTextfileIsWrittenAtomically() throws {
        try withTemporaryDirectory { directory in
            let metrics = OrdreconMetrics(feeds: ["shopify"])
            let path = directory + "/ordrecon.prom"
            try "stale".write(toFile: path, atomically: false, encoding: .utf8)
            metrics.record(file: file("shopify", applied: 1, bytes: 5, seconds: 0.01))
            try MetricsTextfile.write(metrics.exposition(), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == metrics.exposition())
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["ordrecon.prom"])

            metrics.markRun()
            try MetricsTextfile.write(metrics.exposition(), to: path)
            let exposition = try Exposition(try String(contentsOfFile: path, encoding: .utf8))
            #expect(exposition.value("ordrecon_runs_total") == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["ordrecon.prom"])
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o444 } == 0o444, "node_exporter must be able to read it")
        }
    }

    @Test(arguments: ["ordrecon.txt", "ordrecon.prom.tmp", ".prom", "ordrecon", "sub/"])
    func theTextfileMustBeAPromFile(name: String) throws {
        try withTemporaryDirectory { directory throws in
            let metrics = OrdreconMetrics(feeds: [])
            let path = directory + "/" + name
            #expect(throws: TextfileError(path: path, reason: .notPromFile)) {
                try MetricsTextfile.write(metrics.exposition(), to: path)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
            let message = TextfileError(path: path, reason: .notPromFile).description
            #expect(message.contains(path) && message.contains("*.prom"))
        }
    }

    @Test func aTextfileInAMissingFolderFailsAndNamesTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/missing/ordrecon.prom"
            do throws(TextfileError) {
                try MetricsTextfile.write(OrdreconMetrics(feeds: []).exposition(), to: path)
                Issue.record("wrote into a missing folder")
            } catch {
                #expect(error.path == path)
                #expect(
                    error.reason
                        == .system(operation: "create", file: directory + "/missing/.ordrecon.prom.tmp", errno: ENOENT))
                #expect(error.description.contains("No such file or directory"))
            }
        }
    }
}
