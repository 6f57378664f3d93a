import OrdreconCore
import Testing

@Suite("JSON document check")
struct JSONDocumentCheckerTests {
    @Test(arguments: [
        ("[]", JSONDocumentShape.array),
        ("  [ {\"event_id\": \"e1\"}, 1, \"x\", null, true, false, [], {}, -0.5e-3 ] \n", .array),
        ("\u{FEFF}[{\"a\": {\"b\": [1, 2, {\"c\": \"\\u00e9\\n\\\"\"}]}}]", .array),
        ("{\"events\": []}", .eventsObject),
        ("{\"source\": {\"events\": 1}, \"events\": [{\"event_id\": 1}], \"count\": 1}", .eventsObject),
        ("\r\n{ \"batch\" : [1, {\"x\": null}] ,\n \"events\" : [ ] , \"z\": \"é\" }\r\n", .eventsObject),
    ])
    func acceptsBothShapes(_ text: String, _ shape: JSONDocumentShape) {
        for chunkSize in chunkSizes {
            #expect((try? checkJSON(text, chunkSize: chunkSize).get()) == shape, "chunk \(chunkSize)")
        }
    }

    @Test(arguments: [
        ("", "the file holds no JSON (it is empty)"),
        ("  \n ", "the file holds no JSON (it is empty)"),
        ("[{\"event_id\": \"e1\"}", "the file ends where ',' or ']' should be"),
        ("[{\"event_id\": \"e1\"", "the file ends where ',' or '}' should be"),
        ("[{\"event_id\": \"e1", "the file ends where the end of a string should be"),
        ("[1,]", "expected a value, found ']'"),
        ("[1 2]", "expected ',' or ']', found '2'"),
        ("[] []", "expected nothing after the top-level value, found '['"),
        ("[]x", "expected nothing after the top-level value, found 'x'"),
        ("\"events\"", "the top level must be an array of events or an object with an \"events\" array, found string"),
        ("42", "found number"),
        ("null", "found null"),
        ("{}", "the top-level object has no \"events\" array"),
        ("{\"event\": []}", "the top-level object has no \"events\" array"),
        ("{\"events\": {}}", "the value of \"events\" must be an array, found object"),
        ("{\"events\": null}", "the value of \"events\" must be an array, found null"),
        ("{\"events\": [], \"events\": []}", "the key \"events\" appears twice"),
        ("{\"events\": [],}", "expected a key string, found '}'"),
        ("{\"events\" []}", "expected ':' after the key, found '['"),
        ("{events: []}", "expected a key string, found 'e'"),
        ("[01]", "expected ',' or ']', found '1'"),
        ("[1.]", "expected a digit after the decimal point"),
        ("[-]", "expected a digit, found ']'"),
        ("[+1]", "expected a value, found '+'"),
        ("[1e]", "expected a digit in the exponent"),
        ("[tru]", "expected true, found ']'"),
        ("[nul", "the file ends where null should be"),
        ("[\"a\\x\"]", "invalid escape \\x"),
        ("[\"\\u12G4\"]", "expected 4 hex digits after \\u, found 'G'"),
        ("[\"tab\there\"]", "control character byte 0x09 inside a string"),
        ("['a']", "expected a value, found '''"),
        ("[{\"a\" 1}]", "expected ':' after the key, found '1'"),
        ("[{1: 2}]", "expected a key string, found '1'"),
        ("[}", "expected a value, found '}'"),
        ("[1}", "expected ',' or ']', found '}'"),
    ])
    func rejectsBrokenFiles(_ text: String, _ message: String) {
        for chunkSize in [1, 3, 1 << 16] {
            switch checkJSON(text, chunkSize: chunkSize) {
            case .success(let shape): Issue.record("accepted as \(shape): \(text)")
            case .failure(let error): #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }

    @Test func errorSaysLineAndByteOffset() {
        let result = checkJSON("[\n  {\"a\": 1},\n  {\"b\": 2,}\n]")
        #expect(throws: FeedFileError("invalid JSON at line 3 (byte offset 24): expected a key string, found '}'")) {
            try result.get()
        }
    }

    @Test func rejectsInvalidUTF8AnywhereAndTruncatedUTF8AtTheEnd() {
        let inString = Array("[{\"reason\": \"caf".utf8) + [0xC3, 0x28] + Array("\"}]".utf8)
        #expect(throws: FeedFileError("the file is not valid UTF-8 (byte offset 16)")) { try checkJSON(inString).get() }
        let overlong = Array("{\"events\": [\"".utf8) + [0xC0, 0xAF] + Array("\"]}".utf8)
        #expect(throws: FeedFileError.self) { try checkJSON(overlong, chunkSize: 1).get() }
        let valid = Array("[\"é\"]".utf8)
        #expect((try? checkJSON(valid, chunkSize: 1).get()) == .array)
        let cut = Array("[\"".utf8) + [0xE2, 0x82]
        #expect(throws: FeedFileError.self) { try checkJSON(cut).get() }
    }

    @Test func nestingHasALimit() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect((try? checkJSON(deep).get()) == .array)
        let tooDeep = String(repeating: "[", count: 1002) + String(repeating: "]", count: 1002)
        #expect(throws: FeedFileError.self) { try checkJSON(tooDeep).get() }
    }

    @Test func largeValuesStreamThrough() {
        let big =
            "{\"note\": \"" + String(repeating: "x", count: 3 << 20) + "\", \"events\": ["
            + String(repeating: "{\"event_id\": \"e\"},", count: 50_000) + "{}]}"
        #expect((try? checkJSON(big).get()) == .eventsObject)
    }
}
