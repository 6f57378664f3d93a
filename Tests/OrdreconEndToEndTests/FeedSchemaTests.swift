import Foundation
import OrdreconTestSupport
import Testing

/// `config/schema/feed-event.schema.json` against a standard validator (Python's `jsonschema`)
/// and against ordrecon itself, through `scripts/check-schema.py`.
@Suite(.runsPrograms)
struct FeedSchemaTests {
    /// Runs a command in the repository; - Returns: its exit status and its standard output and
    /// error together (127 when it cannot be started).
    static func run(_ executable: String, _ arguments: [String]) async -> (status: Int32, output: String) {
        do {
            let process = try ChildProcess(
                executable: "/usr/bin/env", arguments: [executable] + arguments,
                directory: TestWorkspace.repositoryRoot,
                output: .merged)
            let result = await process.finish(timeout: .seconds(300))
            return (result.status, result.stdout)
        } catch {
            return (127, "\(error)")
        }
    }

    /// Whether python3 and its jsonschema module are installed (scripts/install-deps.sh installs both).
    static func hasValidator() async -> Bool {
        await run("python3", ["-c", "import jsonschema"]).status == 0
    }

    @Test func schemaIsValidDraft202012AndNamesTheContractFields() async throws {
        let text = try String(
            contentsOfFile: TestWorkspace.repositoryRoot + "/config/schema/feed-event.schema.json", encoding: .utf8)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["required"] as? [String] == ["event_id", "entity", "order_id", "status", "occurred_at"])
        let properties = try #require(schema["properties"] as? [String: Any])
        for field in [
            "return_id", "actor", "reason", "customer_id", "ship_to_state", "currency", "amount", "payment_ref",
            "carrier", "tracking_number", "items", "customer_name", "billing_address", "billing_state",
            "customer_gstin",
        ] {
            #expect(properties[field] != nil, "no property \(field)")
        }
        #expect(schema["additionalProperties"] as? Bool == true)
        let defs = try #require(schema["$defs"] as? [String: Any])
        let item = try #require((defs["item"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(item["description"] != nil, "no item property description")
    }

    @Test(
        .longRunning,
        .enabled("needs python3 with jsonschema (scripts/install-deps.sh installs them)") {
            await FeedSchemaTests.hasValidator()
        })
    func sampleFilesPassTheSchemaAndInvalidEventsFailIt() async throws {
        let result = await Self.run("python3", ["scripts/check-schema.py", TestWorkspace.binary])
        #expect(result.status == 0, "scripts/check-schema.py exited \(result.status):\n\(result.output)")
        #expect(result.output.contains("check-schema: OK"), "\(result.output)")
    }
}
