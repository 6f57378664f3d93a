import OrdreconCore
import Testing

@Suite("UTF8Validator")
struct UTF8ValidatorTests {
    /// Feeds `bytes` in chunks of `chunk` and returns (feed results all true, finish, first invalid offset).
    private func validate(_ bytes: [UInt8], chunk: Int) -> (fed: Bool, finished: Bool, offset: Int64?) {
        var validator = UTF8Validator()
        var ok = true
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            ok = bytes[start..<end].withUnsafeBytes { validator.feed($0) } && ok
            start = end
        }
        return (ok, validator.finish(), validator.firstInvalidOffset)
    }

    @Test(arguments: [
        "", "plain ASCII text, long enough to take the 8-byte path more than once",
        "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}", "₹1299.50 — Bengaluru, ಕರ್ನಾಟಕ 😀",
        "\u{D7FF}\u{E000}",
    ])
    func acceptsValidText(_ text: String) {
        for chunk in [1, 2, 3, 5, 8, 1000] {
            let result = validate(Array(text.utf8), chunk: chunk)
            #expect(result.fed && result.finished && result.offset == nil, "chunk \(chunk)")
        }
    }

    @Test(
        arguments: [
            ([0x61, 0x62, 0x80], 2),  // stray continuation byte
            ([0xC0, 0x80], 0),  // overlong NUL
            ([0xC1, 0xBF], 0),  // overlong
            ([0x41, 0xE0, 0x80, 0x80], 1),  // overlong 3-byte
            ([0xE0, 0x9F, 0xBF], 0),  // overlong 3-byte (U+07FF)
            ([0xF0, 0x80, 0x80, 0x80], 0),  // overlong 4-byte
            ([0xF0, 0x8F, 0xBF, 0xBF], 0),  // overlong 4-byte (U+FFFF)
            ([0xED, 0xA0, 0x80], 0),  // surrogate U+D800
            ([0x61, 0xED, 0xBF, 0xBF], 1),  // surrogate U+DFFF
            ([0xF4, 0x90, 0x80, 0x80], 0),  // U+110000
            ([0xF5, 0x80, 0x80, 0x80], 0),  // lead byte beyond Unicode
            ([0xFF], 0), ([0xFE], 0),
            ([0x61, 0x62, 0x63, 0xC3, 0x28], 3),  // lead byte followed by ASCII
            ([0xE2, 0x82, 0x41], 0),  // 3-byte sequence cut short
            (Array("abcdefghijklmnop".utf8) + [0x80], 16),  // after the 8-byte fast path
        ] as [([UInt8], Int64)])
    func rejectsIllFormedSequences(_ bytes: [UInt8], _ offset: Int64) {
        for chunk in [1, 2, 3, 100] {
            let result = validate(bytes, chunk: chunk)
            #expect(!result.fed, "chunk \(chunk)")
            #expect(!result.finished, "chunk \(chunk)")
            #expect(result.offset == offset, "chunk \(chunk)")
        }
    }

    @Test(arguments: [[0xC3], [0x61, 0xE2, 0x82], [0xF0, 0x9F, 0x98]] as [[UInt8]])
    func incompleteSequenceAtEndFailsOnlyAtFinish(_ bytes: [UInt8]) {
        let result = validate(bytes, chunk: 1)
        #expect(result.fed)
        #expect(!result.finished)
        #expect(result.offset == Int64(bytes.firstIndex { $0 >= 0xC0 }!))
    }

    @Test func sequenceSplitAcrossChunksIsAccepted() {
        let bytes = Array("a😀b€c".utf8)
        for split in 0...bytes.count {
            var validator = UTF8Validator()
            #expect(bytes[..<split].withUnsafeBytes { validator.feed($0) })
            #expect(bytes[split...].withUnsafeBytes { validator.feed($0) })
            #expect(validator.finish(), "split at \(split)")
            #expect(validator.bytesFed == Int64(bytes.count))
        }
    }

    @Test func staysInvalidAfterAnError() {
        var validator = UTF8Validator()
        #expect(![UInt8(0xFF)].withUnsafeBytes { validator.feed($0) })
        #expect(!Array("fine".utf8).withUnsafeBytes { validator.feed($0) })
        #expect(validator.firstInvalidOffset == 0)
    }

    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var generator = SplitMix(seed: 42)
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF,
        ]
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 7)
            let bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let result = validate(bytes, chunk: 1 + Int(generator.next() % 3))
            #expect(result.finished == expected, "\(bytes)")
            #expect((result.offset == nil) == expected, "\(bytes)")
        }
    }

    @Test func staticHelperReportsTheOffset() {
        #expect(Array("okay".utf8).withUnsafeBytes { UTF8Validator.firstInvalidOffset(in: $0) } == nil)
        #expect(([0x6F, 0x6B, 0xC3] as [UInt8]).withUnsafeBytes { UTF8Validator.firstInvalidOffset(in: $0) } == 2)
    }
}

/// A small deterministic random generator for the tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
