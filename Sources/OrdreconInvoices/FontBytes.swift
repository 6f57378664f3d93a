/// Big-endian reads from a TrueType file, each checked against the end of the file, so that a
/// damaged or hostile font is an error, never a crash.
struct FontReader {
    let bytes: [UInt8]
    /// Names the file in errors.
    let path: String

    func u8(_ offset: Int) throws(PDFError) -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw invalid("read past the end at \(offset)") }
        return bytes[offset]
    }

    func u16(_ offset: Int) throws(PDFError) -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { throw invalid("read past the end at \(offset)") }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    func i16(_ offset: Int) throws(PDFError) -> Int16 { Int16(bitPattern: try u16(offset)) }

    func u32(_ offset: Int) throws(PDFError) -> UInt32 {
        UInt32(try u16(offset)) << 16 | UInt32(try u16(offset + 2))
    }

    /// `count` bytes from `offset`.
    func range(_ offset: Int, count: Int) throws(PDFError) -> Range<Int> {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw invalid("\(count) bytes at \(offset) lie past the end")
        }
        return offset..<(offset + count)
    }

    /// The error for a font libharu could not use either (`HPDF_TTF_INVALID_FOMAT`, 0x105F).
    func invalid(_ what: String) -> PDFError {
        PDFError(errorCode: 0x105F, detailCode: 0, message: "reading font \(path): \(what)")
    }
}

/// Big-endian writes of a font file being built.
struct FontWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func i16(_ value: Int16) { u16(UInt16(bitPattern: value)) }

    mutating func u32(_ value: UInt32) {
        u16(UInt16(value >> 16))
        u16(UInt16(value & 0xFFFF))
    }

    mutating func append<Bytes: Collection<UInt8>>(_ more: Bytes) { bytes.append(contentsOf: more) }

    /// Zeros up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    /// Overwrites two bytes at `offset` (a field whose value is known only later).
    mutating func set16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(value & 0xFF)
    }

    mutating func set32(_ value: UInt32, at offset: Int) {
        set16(UInt16(value >> 16), at: offset)
        set16(UInt16(value & 0xFFFF), at: offset + 2)
    }

    /// The TrueType checksum: the sum of the big-endian 32-bit words, the last one padded.
    static func checksum<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> UInt32
    where Bytes.Index == Int {
        var sum: UInt32 = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            var word: UInt32 = 0
            for offset in 0..<4 {
                word <<= 8
                if index + offset < bytes.endIndex { word |= UInt32(bytes[index + offset]) }
            }
            sum &+= word
            index += 4
        }
        return sum
    }
}
