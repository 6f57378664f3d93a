/// Why a tax document could not be rendered: what libharu reported, and at which step.
///
/// libharu reports errors through the handler given to `HPDF_New` (error and detail codes);
/// the renderer records the first one and throws it from the step that was running. The
/// message names the step and the code's meaning, never the document's customer data.
public struct PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libharu's error code (`HPDF_FILE_OPEN_ERROR` = 0x1017, ...), or 0 when the error is
    /// the renderer's own.
    public var errorCode: UInt
    /// libharu's detail code (for file errors: the `errno` value).
    public var detailCode: UInt
    /// What failed, e.g. `loading font /usr/share/fonts/.../DejaVuSans.ttf: HPDF_FILE_OPEN_ERROR (0x1017), detail 2`.
    public var message: String

    public init(errorCode: UInt, detailCode: UInt, message: String) {
        self.errorCode = errorCode
        self.detailCode = detailCode
        self.message = message
    }

    public var description: String { message }

    /// Builds the error for a libharu code reported while doing `step`.
    static func haru(_ errorCode: UInt, detail detailCode: UInt, during step: String) -> PDFError {
        let name = codeNames[errorCode].map { "HPDF_\($0)" } ?? "libharu error"
        let hex = String(errorCode, radix: 16, uppercase: true)
        return PDFError(
            errorCode: errorCode, detailCode: detailCode,
            message: "\(step): \(name) (0x\(hex)), detail \(detailCode)")
    }

    /// Names of the codes (hpdf_error.h) that rendering can meet.
    private static let codeNames: [UInt: String] = [
        0x1015: "FAILD_TO_ALLOC_MEM", 0x1016: "FILE_IO_ERROR", 0x1017: "FILE_OPEN_ERROR",
        0x1019: "FONT_EXISTS", 0x101A: "FONT_INVALID_WIDTHS_TABLE", 0x1022: "INVALID_DATE_TIME",
        0x1025: "INVALID_DOCUMENT", 0x1027: "INVALID_ENCODER", 0x1028: "INVALID_ENCODER_TYPE",
        0x102B: "INVALID_ENCODING_NAME", 0x102D: "INVALID_FONTDEF_DATA", 0x102E: "INVALID_FONTDEF_TYPE",
        0x102F: "INVALID_FONT_NAME", 0x1037: "INVALID_PAGE", 0x1039: "INVALID_PARAMETER",
        0x103C: "INVALID_STREAM", 0x104E: "PAGE_FONT_NOT_FOUND", 0x104F: "PAGE_INVALID_FONT",
        0x1050: "PAGE_INVALID_FONT_SIZE", 0x1051: "PAGE_INVALID_GMODE", 0x1054: "PAGE_INVALID_SIZE",
        0x1056: "PAGE_OUT_OF_RANGE", 0x1058: "STREAM_EOF", 0x105B: "STRING_OUT_OF_RANGE",
        0x105D: "TTF_CANNOT_EMBEDDING_FONT", 0x105E: "TTF_INVALID_CMAP", 0x105F: "TTF_INVALID_FOMAT",
        0x1060: "TTF_MISSING_TABLE", 0x1061: "UNSUPPORTED_FONT_TYPE", 0x1075: "INVALID_FONT",
    ]
}
