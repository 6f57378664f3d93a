import Testing

@testable import OrdreconCore

private func parse(_ text: String) throws -> TOMLDocument {
    try TOMLDocument(parsing: text)
}

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

@Suite("TOML parser: values")
struct TOMLValueTests {
    @Test func emptyAndCommentOnlyDocuments() throws {
        #expect(try parse("").root.isEmpty)
        #expect(try parse("# only a comment\n\n   \n# another").root.isEmpty)
        #expect(try parse("\u{FEFF}a = 1")["a"]?.kind == .integer(1))
    }

    @Test func basicStringsAndEscapes() throws {
        let doc = try parse(#"s = "a \"quoted\" \\ back\nnew\ttab \u00E9 \U0001F600 \b\f\r""#)
        #expect(doc["s"]?.stringValue == "a \"quoted\" \\ back\nnew\ttab é 😀 \u{08}\u{0C}\r")
        #expect(try parse(#"s = """#)["s"]?.stringValue == "")
        #expect(try parse("s = \"unicode ₹ ok\"")["s"]?.stringValue == "unicode ₹ ok")
    }

    @Test func literalStrings() throws {
        let doc = try parse(#"path = 'C:\Users\nobody' "#)
        #expect(doc["path"]?.stringValue == #"C:\Users\nobody"#)
        #expect(try parse("e = ''")["e"]?.stringValue == "")
    }

    @Test func multilineBasicStrings() throws {
        let doc = try parse(
            "a = \"\"\"\nline one\nline \"two\"\n\"\"\"\n"
                + "b = \"\"\"one \\\n     two \\\n\n   three\"\"\"\n"
                + "c = \"\"\"ends with quotes\"\"\"\"\"\n"
                + "d = \"\"\"tab\\t\\u0041\"\"\"\r\n")
        #expect(doc["a"]?.stringValue == "line one\nline \"two\"\n")
        #expect(doc["b"]?.stringValue == "one two three")
        #expect(doc["c"]?.stringValue == "ends with quotes\"\"")
        #expect(doc["d"]?.stringValue == "tab\tA")
        #expect(doc["d"]?.line == 10)
    }

    @Test func multilineLiteralStrings() throws {
        let doc = try parse("a = '''\nraw \\n here\r\n  kept '' quotes'''\nb = 1")
        #expect(doc["a"]?.stringValue == "raw \\n here\n  kept '' quotes")
        #expect(doc["b"]?.line == 4)
    }

    @Test func integers() throws {
        let doc = try parse("""
            a = 42
            b = +17
            c = -5_000
            d = 0
            e = 1_000_000
            f = 0xFF
            g = 0o17
            h = 0b101
            i = 9223372036854775807
            j = -9223372036854775808
            """)
        #expect(doc["a"]?.kind == .integer(42))
        #expect(doc["b"]?.kind == .integer(17))
        #expect(doc["c"]?.kind == .integer(-5000))
        #expect(doc["d"]?.kind == .integer(0))
        #expect(doc["e"]?.kind == .integer(1_000_000))
        #expect(doc["f"]?.kind == .integer(255))
        #expect(doc["g"]?.kind == .integer(15))
        #expect(doc["h"]?.kind == .integer(5))
        #expect(doc["i"]?.kind == .integer(Int64.max))
        #expect(doc["j"]?.kind == .integer(Int64.min))
    }

    @Test func decimalsKeepTheirText() throws {
        let doc = try parse("""
            rate = 12.5
            small = -0.01
            big = 1_000.000_5
            exp = 5e+22
            mixed = 6.626E-34
            pos = +3.10
            special = inf
            nan = -nan
            """)
        #expect(doc["rate"]?.kind == .decimal("12.5"))
        #expect(doc["small"]?.decimalText == "-0.01")
        #expect(doc["big"]?.decimalText == "1000.0005")
        #expect(doc["exp"]?.decimalText == "5e+22")
        #expect(doc["mixed"]?.decimalText == "6.626e-34")
        #expect(doc["pos"]?.decimalText == "+3.10")
        #expect(doc["special"]?.decimalText == "inf")
        #expect(doc["nan"]?.decimalText == "-nan")
        #expect(doc["rate"]?.integerValue == nil)
    }

    @Test func booleans() throws {
        let doc = try parse("t = true\nf = false # comment")
        #expect(doc["t"]?.booleanValue == true)
        #expect(doc["f"]?.booleanValue == false)
    }

    @Test func arraysMultilineTrailingCommaAndComments() throws {
        let doc = try parse("""
            empty = []
            one = [1]
            allow = [
              "order:PAID",   # first
              # a comment line inside
              'return:COMPLETED',
            ]
            nested = [[1, 2], ["a"], []]
            mixed = [1, "two", 3.0, true, { x = 1 }]
            """)
        #expect(doc["empty"]?.arrayValue?.isEmpty == true)
        #expect(doc["one"]?.arrayValue?.map(\.kind) == [.integer(1)])
        let allow = try #require(doc["allow"]?.arrayValue)
        #expect(allow.map(\.stringValue) == ["order:PAID", "return:COMPLETED"])
        #expect(allow.map(\.line) == [4, 6])
        #expect(allow[0].column == 3)
        let nested = try #require(doc["nested"]?.arrayValue)
        #expect(nested.count == 3)
        #expect(nested[0].arrayValue?.map(\.kind) == [.integer(1), .integer(2)])
        #expect(nested[2].arrayValue?.isEmpty == true)
        let mixed = try #require(doc["mixed"]?.arrayValue)
        #expect(mixed.map(\.typeName) == ["integer", "string", "decimal number", "boolean", "table"])
        #expect(mixed[4].tableValue?["x"]?.kind == .integer(1))
    }

    @Test func inlineTables() throws {
        let doc = try parse(#"point = { x = 1, y = -2, label.text = "p", "quoted key" = true }"# + "\nempty = {}")
        let point = try #require(doc["point"]?.tableValue)
        #expect(point.keys == ["x", "y", "label", "quoted key"])
        #expect(point["x"]?.kind == .integer(1))
        #expect(point["label"]?.tableValue?["text"]?.stringValue == "p")
        #expect(doc["point", "quoted key"]?.booleanValue == true)
        #expect(doc["empty"]?.tableValue?.isEmpty == true)
    }

    @Test func linesAndColumnsOfValues() throws {
        let doc = try parse("\n# c\n  a =   \"x\"\n[t]\nb = [\n 1,\n 2 ]\n")
        #expect(doc["a"]?.line == 3)
        #expect(doc["a"]?.column == 9)
        #expect(doc["t"]?.line == 4)
        #expect(doc["t", "b"]?.line == 5)
        #expect(doc["t", "b"]?.arrayValue?.last?.line == 7)
    }
}

@Suite("TOML parser: keys and tables")
struct TOMLTableTests {
    @Test func bareQuotedAndDottedKeys() throws {
        let doc = try parse("""
            bare_key-1 = 1
            "quoted key" = 2
            'literal.key' = 3
            a.b.c = 4
            a . "d e" = 5
            "" = 6
            """)
        #expect(doc["bare_key-1"]?.kind == .integer(1))
        #expect(doc["quoted key"]?.kind == .integer(2))
        #expect(doc["literal.key"]?.kind == .integer(3))
        #expect(doc["a", "b", "c"]?.kind == .integer(4))
        #expect(doc["a", "d e"]?.kind == .integer(5))
        #expect(doc[""]?.kind == .integer(6))
        #expect(doc.root.keys == ["bare_key-1", "quoted key", "literal.key", "a", ""])
    }

    @Test func tableHeaders() throws {
        let doc = try parse("""
            top = 1
            [paths]
            inbox = "in"   # trailing comment
            [ feeds . "returns-desk" ]
            allow = ["return:APPROVED"]
            [feeds.carrier]
            [feeds.returns desk]
            """.replacingOccurrences(of: "[feeds.returns desk]", with: "[feeds.'returns desk']"))
        #expect(doc["top"]?.kind == .integer(1))
        #expect(doc["paths", "inbox"]?.stringValue == "in")
        #expect(doc["feeds", "returns-desk", "allow"]?.arrayValue?.first?.stringValue == "return:APPROVED")
        #expect(doc["feeds", "carrier"]?.tableValue?.isEmpty == true)
        #expect(doc["feeds", "returns desk"]?.line == 7)
        #expect(doc["feeds"]?.tableValue?.keys == ["returns-desk", "carrier", "returns desk"])
        #expect(doc["feeds"]?.line == 4)  // implicitly created by its first sub-table header
    }

    @Test func superTableMayBeDefinedAfterSubTable() throws {
        let doc = try parse("[a.b]\nx = 1\n[a]\ny = 2")
        #expect(doc["a", "b", "x"]?.kind == .integer(1))
        #expect(doc["a", "y"]?.kind == .integer(2))
        #expect(doc["a"]?.line == 3)
    }

    @Test func subTableMayBeAddedUnderDottedKeyTable() throws {
        let doc = try parse("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
        #expect(doc["fruit", "apple", "color"]?.stringValue == "red")
        #expect(doc["fruit", "apple", "texture", "smooth"]?.booleanValue == true)
    }

    @Test func keyPathText() {
        #expect(TOMLTable.keyPathText(["feeds", "returns-desk", "allow"]) == "feeds.returns-desk.allow")
        #expect(TOMLTable.keyPathText(["feeds", "returns desk"]) == #"feeds."returns desk""#)
        #expect(TOMLTable.keyPathText(["a", ""]) == #"a."""#)
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
