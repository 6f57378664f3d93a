import Foundation
import OrdreconCore
import Testing

/// The one JSON writer (``JSONText``, ``JSONValue/text(indent:)``) and the one JSON value reader
/// (``JSONValue/parse(_:)``).
struct JSONTextTests {
    @Test(
        "strings are escaped per RFC 8259, control characters as \\u00XX",
        arguments: [
            ("plain", #""plain""#),
            (#"say "hi""#, #""say \"hi\"""#),
            (#"back\slash"#, #""back\\slash""#),
            ("a/b", #""a/b""#),
            ("lf\ncr\rtab\t", #""lf\ncr\rtab\t""#),
            ("nul\u{0}bell\u{7}bs\u{8}ff\u{C}us\u{1F}", #""nul\u0000bell\u0007bs\u0008ff\u000cus\u001f""#),
            ("esc\u{1B}[31m", #""esc\u001b[31m""#),
            ("del\u{7F}c1\u{80}\u{85}\u{9F}", #""del\u007fc1\u0080\u0085\u009f""#),
            ("ls\u{2028}ps\u{2029}", #""ls\u2028ps\u2029""#),
            ("nbsp\u{A0}é", "\"nbsp\u{A0}é\""),
            ("₹1,299.50 — ಕರ್ನಾಟಕ 😀 e\u{301}", "\"₹1,299.50 — ಕರ್ನಾಟಕ 😀 e\u{301}\""),
            ("", #""""#),
        ])
    func escaping(text: String, expected: String) {
        #expect(JSONText.string(text) == expected)
        var bytes: [UInt8] = []
        JSONText.appendString(text, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test("exactly quote, backslash, controls, DEL, C1 and U+2028/9 are escaped, for every BMP character")
    func escapedSetIsExact() throws {
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let text = String(Character(scalar))
            let written = JSONText.string(text)
            let escaped = written != "\"" + text + "\""
            #expect(
                escaped == (scalar == "\"" || scalar == "\\" || JSONText.isControlOrSeparator(scalar)),
                "U+\(String(value, radix: 16))")
        }
    }

    @Test("what is written reads back as the same text, with Foundation's parser and with parse(_:)")
    func roundTrip() throws {
        var random = SystemRandomNumberGenerator()
        let pool: [Unicode.Scalar] =
            (0...0x2F).compactMap(Unicode.Scalar.init) + [
                "é", "₹", "😀", "\u{85}", "\u{2028}", "\u{7F}", "\u{FFFD}", "\"", "\\",
            ]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0...24, using: &random) {
                text.unicodeScalars.append(pool.randomElement(using: &random)!)
            }
            let document = JSONValue.array([.string(text), .object([(text, .int(1))])]).text()
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [Any])
            #expect(parsed.first as? String == text)
            #expect(
                try JSONValue.parse(Array(document.utf8)) == .array([.string(text), .object([(text, .number("1"))])]))
        }
    }

    @Test("values: keys in order, pretty printing, numbers as written")
    func values() {
        let value = JSONValue.object([
            ("b", .int(-2)), ("a", .array([.null, .bool(true), .number("1.50")])), ("e", .object([])),
        ])
        #expect(value.text() == #"{"b":-2,"a":[null,true,1.50],"e":{}}"#)
        #expect(
            value.text(indent: 2) == "{\n  \"b\": -2,\n  \"a\": [\n    null,\n    true,\n    1.50\n  ],\n  \"e\": {}\n}"
        )
    }

    @Test("a refund body reads back into the same fields")
    func refundBody() throws {
        let refund = RefundRequest(
            refundId: "RF.O-1.R.R-1", kind: .return, orderId: "O-1", returnId: "R-1",
            amount: Money(paise: 125_000), paymentRef: "pay \"x\"\u{85}")
        let members = try #require(try JSONValue.parse(Array(refund.jsonBody.utf8)).members)
        #expect(members["refund_id"]?.stringValue == "RF.O-1.R.R-1")
        #expect(members["return_id"]?.stringValue == "R-1")
        #expect(members["payment_ref"]?.stringValue == "pay \"x\"\u{85}")
        #expect(members["amount"]?.integerValue == 125_000)
        #expect(members["reason"]?.stringValue == "return_completed")
        #expect(refund.jsonBody.contains(#""payment_ref":"pay \"x\"\u0085""#))
    }

    @Test("parse keeps number literals and tells integers from the rest")
    func numbers() throws {
        let value = try JSONValue.parse(Array(#"[1250, 12.5, 1.25e3, -0, 0.0, 99999999999999999999]"#.utf8))
        guard case .array(let items) = value else {
            Issue.record("not an array")
            return
        }
        #expect(items.map(\.summary) == ["1250", "12.5", "1.25e3", "-0", "0.0", "99999999999999999999"])
        #expect(items.map(\.integerValue) == [1250, nil, nil, 0, nil, nil])
    }

    @Test(
        "parse refuses what is not one JSON value",
        arguments: [
            ("", "unexpected end, expected a value at byte 0"),
            (#"{"a":1,"a":2}"#, #"duplicate key "a" at byte 7"#),
            ("[1] x", "unexpected 'x' after the value at byte 4"),
            (#"{"a" 1}"#, "expected ':', found '1' at byte 5"),
            ("\u{FEFF}{}", "expected a value, found byte 0xEF at byte 0"),
            (#"["\ud800"]"#, #"a \u escape is a lone surrogate at byte 1"#),
            ("[\"tab\there\"]", "control character byte 0x09 inside a string (it must be escaped) at byte 5"),
            ("[01]", "expected ',' or ']', found '1' at byte 2"),
        ])
    func refused(text: String, message: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
        do {
            _ = try JSONValue.parse(Array(text.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("parse refuses invalid UTF-8 and nesting deeper than 64 levels")
    func limits() throws {
        do {
            _ = try JSONValue.parse([
                UInt8(ascii: "["), UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\""), UInt8(ascii: "]"),
            ])
            Issue.record("invalid UTF-8 was read")
        } catch {
            #expect(error.message == "invalid UTF-8" && error.offset == 2)
        }
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(Array(deepest.utf8)) }
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(tooDeep.utf8)) }
    }
}
