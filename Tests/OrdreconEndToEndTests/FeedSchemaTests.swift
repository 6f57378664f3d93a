import Foundation
import OrdreconTestSupport
import Testing

/// `config/schema/feed-event.schema.json` against a standard validator (Python's `jsonschema`)
/// and against ordrecon itself, through `scripts/check-schema.py`.
@Suite(.serialized)
struct FeedSchemaTests {
    /// Runs a command; - Returns: its exit status and its standard output and error together.
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestWorkspace.repositoryRoot)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Why the check cannot run here, or nil when python3 and jsonschema are installed.
    static let missingValidator: String? = {
        let probe = run("python3", ["-c", "import jsonschema"])
        if probe.status == 127 { return "python3 is not installed" }
        if probe.status != 0 { return "python3 has no jsonschema module (scripts/install-deps.sh installs it)" }
        return nil
    }()

    @Test func schemaIsValidDraft202012AndNamesTheContractFields() throws {
        let text = try String(contentsOfFile: TestWorkspace.repositoryRoot + "/config/schema/feed-event.schema.json", encoding: .utf8)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["required"] as? [String] == ["event_id", "entity", "order_id", "status", "occurred_at"])
        let properties = try #require(schema["properties"] as? [String: Any])
        for field in ["return_id", "actor", "reason", "customer_id", "ship_to_state", "currency", "amount", "payment_ref",
                      "carrier", "tracking_number", "items"] {
            #expect(properties[field] != nil, "no property \(field)")
        }
        #expect(schema["additionalProperties"] as? Bool == true)
    }

    @Test func sampleFilesPassTheSchemaAndInvalidEventsFailIt() throws {
        if let why = Self.missingValidator {
            print("FeedSchemaTests: SKIPPED the JSON Schema check: \(why)")
            return
        }
        let result = Self.run("python3", ["scripts/check-schema.py", TestWorkspace.binary])
        #expect(result.status == 0, "scripts/check-schema.py exited \(result.status):\n\(result.output)")
        #expect(result.output.contains("check-schema: OK"), "\(result.output)")
    }
}
