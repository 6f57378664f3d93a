import CHaru

/// One libharu document (`HPDF_Doc`), freed in `deinit`: fonts, information, pages, and the
/// finished PDF as bytes.
///
/// Not `Sendable`: a render creates, fills and frees its own document on one thread.
final class HaruDocument {
    let handle: HPDF_Doc
    /// Receives libharu's errors; alive as long as the handle that points to it.
    private let recorder: HaruErrorRecorder

    /// Creates a document that compresses every stream and takes UTF-8 text.
    ///
    /// - Throws: ``PDFError`` when libharu cannot create the document or enable UTF-8.
    init() throws(PDFError) {
        let recorder = HaruErrorRecorder()
        guard let handle = HPDF_New(HaruErrorRecorder.handler, Unmanaged.passUnretained(recorder).toOpaque())
        else {
            throw PDFError(errorCode: 0x1015, detailCode: 0, message: "creating the PDF document: HPDF_New failed")
        }
        self.handle = handle
        self.recorder = recorder
        HPDF_SetCompressionMode(handle, HPDF_UINT(HPDF_COMP_ALL))
        HPDF_UseUTFEncodings(handle)
        // Strings outside page content (the document information) are encoded with the
        // current encoder: UTF-8 makes libharu write them as UTF-16, so `₹` and `Ś` survive.
        HPDF_SetCurrentEncoder(handle, "UTF-8")
        try check("enabling UTF-8")
    }

    deinit {
        HPDF_Free(handle)
    }

    /// Throws the first error libharu has reported, naming the step.
    func check(_ step: @autoclosure () -> String) throws(PDFError) {
        if let first = recorder.first {
            throw .haru(first.error, detail: first.detail, during: step())
        }
    }

    /// Loads and embeds a TrueType font, for UTF-8 text.
    ///
    /// libharu embeds the whole font program with the glyphs that were not used emptied.
    /// - Throws: ``PDFError`` (`HPDF_FILE_OPEN_ERROR` with `errno` as detail when the file is missing).
    func loadFont(path: String) throws(PDFError) -> HPDF_Font {
        let name = HPDF_LoadTTFontFromFile(handle, path, HPDF_TRUE)
        try check("loading font \(path)")
        let font = HPDF_GetFont(handle, name, "UTF-8")
        try check("using font \(path) with UTF-8")
        guard let font else {
            throw PDFError(errorCode: 0, detailCode: 0, message: "using font \(path): HPDF_GetFont returned no font")
        }
        return font
    }

    /// Sets the document information; `created` is written as the creation date, without a
    /// UTC offset (the time is local to the shop), so the same document gives the same bytes.
    func setInformation(title: String, author: String, creator: String, created: HPDF_Date) throws(PDFError) {
        HPDF_SetInfoAttr(handle, HPDF_INFO_TITLE, title)
        HPDF_SetInfoAttr(handle, HPDF_INFO_AUTHOR, author)
        HPDF_SetInfoAttr(handle, HPDF_INFO_CREATOR, creator)
        HPDF_SetInfoDateAttr(handle, HPDF_INFO_CREATION_DATE, created)
        try check("setting the document information")
    }

    /// Adds an A4 portrait page.
    func addA4Page() throws(PDFError) -> HPDF_Page {
        let page = HPDF_AddPage(handle)
        if let page {
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT)
        }
        try check("adding a page")
        guard let page else {
            throw PDFError(errorCode: 0, detailCode: 0, message: "adding a page: HPDF_AddPage returned no page")
        }
        return page
    }

    /// Writes the document into libharu's memory stream and copies it out.
    func bytes() throws(PDFError) -> [UInt8] {
        HPDF_SaveToStream(handle)
        try check("writing the PDF")
        let size = HPDF_GetStreamSize(handle)
        var read = size
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, count in
            if let base = buffer.baseAddress, size > 0 {
                HPDF_ReadFromStream(handle, base, &read)
            } else {
                read = 0
            }
            count = Int(read)
        }
        try check("reading the PDF from memory")
        guard read == size else {
            throw PDFError(
                errorCode: 0, detailCode: 0, message: "reading the PDF from memory: got \(read) of \(size) bytes")
        }
        return bytes
    }
}
