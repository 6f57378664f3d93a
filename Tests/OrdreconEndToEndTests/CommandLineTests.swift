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
}
