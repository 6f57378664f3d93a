import Testing

@testable import OrdreconCore

/// Parses `text`, expecting a TOMLError; returns it (fails the test if none).
private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
    do {
        let document = try TOMLDocument(parsing: text)
        Issue.record("expected a TOML error, parsed \(document.root.keys)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("TOML parser: errors")
struct TOMLErrorTests {
    @Test func keyDefinedTwice() throws {
        let e = try #require(parseError("a = 1\nb = 2\na = 3"))
        #expect(e.line == 3)
        #expect(e.column == 1)
        #expect(e.keyPath == "a")
        #expect(e.message.contains("defined twice"))
        #expect(e.message.contains("line 1"))
    }

    @Test func keyDefinedTwiceInTable() throws {
        let e = try #require(parseError("[returns]\nwindow_days = 1\n  window_days = 2"))
        #expect(e.line == 3)
        #expect(e.column == 3)
        #expect(e.keyPath == "returns.window_days")
    }

    @Test func quotedAndBareKeysAreTheSameKey() throws {
        let e = try #require(parseError("a = 1\n\"a\" = 2"))
        #expect(e.line == 2)
        #expect(e.keyPath == "a")
    }

    @Test func tableDefinedTwice() throws {
        let e = try #require(parseError("[paths]\ninbox = \"a\"\n\n[paths]\narchive = \"b\""))
        #expect(e.line == 4)
        #expect(e.keyPath == "paths")
        #expect(e.message.contains("defined twice (first at line 1)"))
    }

    @Test func tableDefinedTwiceAfterImplicitDefinition() throws {
        let e = try #require(parseError("[a.b]\n[a]\n[a]"))
        #expect(e.line == 3)
    }

    @Test func tableHeaderOverValue() throws {
        let e = try #require(parseError("paths = 1\n[paths]"))
        #expect(e.line == 2)
        #expect(e.message.contains("paths is already an integer (line 1)"))
    }

    @Test func tableHeaderOverDottedKeyTable() throws {
        let e = try #require(parseError("[fruit]\napple.color = \"red\"\n[fruit.apple]"))
        #expect(e.line == 3)
        #expect(e.keyPath == "fruit.apple")
        #expect(e.message.contains("dotted keys"))
    }

    @Test func tableHeaderOverInlineTable() throws {
        let e = try #require(parseError("a = { b = 1 }\n[a]"))
        #expect(e.line == 2)
        #expect(e.message.contains("inline table"))
        let sub = try #require(parseError("a = { b = 1 }\n[a.c]"))
        #expect(sub.line == 2)
    }

    @Test func dottedKeyCannotExtendInlineTableOrValue() throws {
        let inline = try #require(parseError("a = { b = 1 }\na.c = 2"))
        #expect(inline.line == 2)
        #expect(inline.message.contains("inline table"))
        let value = try #require(parseError("a = 1\na.b = 2"))
        #expect(value.line == 2)
        #expect(value.keyPath == "a")
    }

    @Test func dottedKeyCannotExtendHeaderTable() throws {
        let e = try #require(parseError("[a.b]\nx = 1\n[a]\nb.y = 2"))
        #expect(e.line == 4)
        #expect(e.keyPath == "a.b")
    }

    @Test func inlineTableKeyDefinedTwice() throws {
        let e = try #require(parseError("t = { a = 1, a = 2 }"))
        #expect(e.line == 1)
        #expect(e.column == 14)
    }

    @Test func arrayOfTablesIsRefused() throws {
        let e = try #require(parseError("a = 1\n[[feeds]]\nname = \"x\""))
        #expect(e.line == 2)
        #expect(e.message.contains("arrays of tables"))
    }

    @Test func unterminatedStrings() throws {
        let basic = try #require(parseError("a = 1\nb = \"open\nc = 2"))
        #expect(basic.line == 2)
        #expect(basic.column == 5)
        #expect(basic.message.contains("not closed"))
        let literal = try #require(parseError("b = 'open"))
        #expect(literal.line == 1)
        let multi = try #require(parseError("x = 1\nb = \"\"\"\nstill open\n"))
        #expect(multi.line == 2)
        #expect(multi.message.contains("multi-line string"))
        let multiLiteral = try #require(parseError("b = '''\nopen"))
        #expect(multiLiteral.line == 1)
    }

    @Test func badEscapes() throws {
        let e = try #require(parseError(#"a = "C:\path""#))
        #expect(e.line == 1)
        #expect(e.column == 8)
        #expect(e.message.contains("invalid escape"))
        #expect(parseError(#"a = "\u12""#) != nil)
        #expect(parseError(#"a = "\uD800""#) != nil)  // surrogate
        #expect(parseError(#"a = "\x41""#) != nil)
    }

    @Test func controlCharactersInStrings() throws {
        let e = try #require(parseError("a = \"bell\u{07}\""))
        #expect(e.message.contains("U+0007"))
    }

    @Test(arguments: [
        ("a = thirty", "strings must be in quotes"),
        ("a = 012", "leading zeros"),
        ("a = 1__0", "invalid number"),
        ("a = _1", "strings must be in quotes"),
        ("a = 1_", "invalid number"),
        ("a = 1.", "invalid number"),
        ("a = .5", "invalid number"),
        ("a = 1.2.3", "invalid number"),
        ("a = 99999999999999999999", "out of range"),
        ("a = 1979-05-27", "dates and times"),
        ("a = 1979-05-27T07:32:00Z", "dates and times"),
        ("a = 07:32:00", "dates and times"),
        ("a = TRUE", "strings must be in quotes"),
        ("a = 0x", "invalid number"),
        ("a = +0xFF", "invalid number"),
    ])
    func invalidScalars(text: String, fragment: String) throws {
        let e = try #require(parseError(text))
        #expect(e.line == 1)
        #expect(e.column == 5)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func missingPieces() throws {
        let noValue = try #require(parseError("a =\nb = 1"))
        #expect(noValue.line == 1)
        #expect(noValue.message.contains("expected a value"))
        let noEquals = try #require(parseError("a 1"))
        #expect(noEquals.message.contains("expected '='"))
        let noKey = try #require(parseError("= 1"))
        #expect(noKey.column == 1)
        let twoOnALine = try #require(parseError("a = 1 b = 2"))
        #expect(twoOnALine.column == 7)
        #expect(twoOnALine.message.contains("end of the line"))
        let badKeyCharacter = try #require(parseError("a/b = 1"))
        #expect(badKeyCharacter.column == 2)
        #expect(parseError("a.= 1") != nil)
        #expect(parseError("a = \"x\" \"y\"") != nil)
    }

    @Test func badHeaders() throws {
        let unclosed = try #require(parseError("[paths\ninbox = \"x\""))
        #expect(unclosed.line == 1)
        #expect(unclosed.message.contains("not closed"))
        #expect(parseError("[]") != nil)
        #expect(parseError("[a] b = 1") != nil)
        #expect(parseError("[a.]") != nil)
    }

    @Test func badArrays() throws {
        let unclosed = try #require(parseError("a = [1, 2\nb = 3"))
        #expect(unclosed.line == 2)  // "b" is where ',' or ']' was expected
        let eof = try #require(parseError("a = [1,\n 2,\n"))
        #expect(eof.line == 1)
        #expect(eof.column == 5)
        #expect(eof.message.contains("not closed"))
        #expect(parseError("a = [,]") != nil)
        #expect(parseError("a = [1,,2]") != nil)
        #expect(parseError("a = [1 2]") != nil)
    }

    @Test func badInlineTables() throws {
        let multiline = try #require(parseError("a = { b = 1,\n c = 2 }"))
        #expect(multiline.message.contains("one line"))
        let trailing = try #require(parseError("a = { b = 1, }"))
        #expect(trailing.message.contains("trailing comma"))
        #expect(parseError("a = { b = 1") != nil)
        #expect(parseError("a = { b = 1 c = 2 }") != nil)
    }

    @Test func loneCarriageReturn() throws {
        let e = try #require(parseError("a = 1\rb = 2"))
        #expect(e.line == 1)
    }

    @Test func errorDescription() {
        let e = TOMLError(line: 3, column: 7, keyPath: "a.b", message: "key is defined twice")
        #expect(e.description == "3:7: a.b: key is defined twice")
        #expect(TOMLError(line: 1, column: 2, message: "m").description == "1:2: m")
    }
}
