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

    /// Makes `subset` the document's font for UTF-8 text, embedded, with `toUnicode` (see
    /// ``ToUnicodeMap``) as its ToUnicode map.
    ///
    /// The font is given to libharu from memory (`HPDF_TTFontDef_Load` on a memory stream,
    /// then `HPDF_Doc_RegisterFontDef`: functions of libharu's own headers, not of its public
    /// API, which loads TrueType only from a file), so no file is written for it. That also
    /// keeps the font's name as the subset names itself (`ABCDEF+DejaVuSans`):
    /// `HPDF_LoadTTFontFromFile` would prefix another tag (`HPDFAA+`) of its own.
    /// - Throws: ``PDFError`` with libharu's code when it cannot read the font.
    ///
    /// libharu's CIDToGIDMap lists all 65,535 CIDs (128 KB to compress in every document);
    /// `cidToGIDMap` replaces it (see ``FontSubset/cidToGIDMap(through:)``).
    func loadFont(_ subset: FontSubset, toUnicode: String, cidToGIDMap: [UInt8]) throws(PDFError) -> HPDF_Font {
        let mmgr = handle.pointee.mmgr
        guard let stream = HPDF_MemStream_New(mmgr, HPDF_UINT(max(subset.bytes.count, 1024))) else {
            throw failure("making a memory stream for the font")
        }
        let written = subset.bytes.withUnsafeBufferPointer {
            HPDF_Stream_Write(stream, $0.baseAddress, HPDF_UINT($0.count))
        }
        guard written == HPDF_OK else {
            HPDF_Stream_Free(stream)
            throw failure("copying the font into memory")
        }
        // On failure the definition frees the stream.
        guard let definition = HPDF_TTFontDef_Load(mmgr, stream, HPDF_TRUE) else {
            throw failure("loading the font subset \(subset.tag)")
        }
        // On failure registering frees the definition.
        guard HPDF_Doc_RegisterFontDef(handle, definition) == HPDF_OK else {
            throw failure("registering the font subset \(subset.tag)")
        }
        var name = definition.pointee.base_font
        let baseFont = withUnsafeBytes(of: &name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let font = HPDF_GetFont(handle, baseFont, "UTF-8")
        try check("using font \(baseFont) with UTF-8")
        guard let font else {
            throw PDFError(
                errorCode: 0, detailCode: 0, message: "using font \(baseFont): HPDF_GetFont returned no font")
        }
        try replaceToUnicode(of: font, with: toUnicode)
        try replaceCIDToGIDMap(of: font, with: cidToGIDMap)
        return font
    }

    /// Puts `map` in place of the CIDToGIDMap stream of `font`'s descendant CIDFont (libharu
    /// keeps it in the Type 0 font's attributes).
    private func replaceCIDToGIDMap(of font: HPDF_Font, with map: [UInt8]) throws(PDFError) {
        guard let attributes = font.pointee.attr?.assumingMemoryBound(to: _HPDF_FontAttr_Rec.self),
            let stream = attributes.pointee.map_stream
        else { throw failure("finding the font's CIDToGIDMap") }
        HPDF_MemStream_FreeData(stream.pointee.stream)
        let written = map.withUnsafeBufferPointer {
            HPDF_Stream_Write(stream.pointee.stream, $0.baseAddress, HPDF_UINT($0.count))
        }
        guard written == HPDF_OK else { throw failure("writing the font's CIDToGIDMap") }
    }

    /// Puts `text` in place of the ToUnicode stream libharu made for `font` (compressed with
    /// the other streams when the document is written), without the keys of an encoding CMap
    /// libharu gave its dictionary (`/Type /CMap`, `/CMapName /UTF-8`, `/CIDSystemInfo`,
    /// `/WMode`).
    private func replaceToUnicode(of font: HPDF_Font, with text: String) throws(PDFError) {
        guard let item = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_UINT16(HPDF_OCLASS_DICT)) else {
            throw failure("finding the font's ToUnicode map")
        }
        let dictionary = item.assumingMemoryBound(to: _HPDF_Dict_Rec.self)
        for key in ["Type", "CMapName", "CIDSystemInfo", "WMode"] { HPDF_Dict_RemoveElement(dictionary, key) }
        let stream = dictionary.pointee.stream
        HPDF_MemStream_FreeData(stream)
        HPDF_Stream_WriteStr(stream, text)
        try check("writing the font's ToUnicode map")
    }

    /// The error libharu recorded in the document for `step` (its internal functions record
    /// errors without calling the handler), or a plain one when it recorded none.
    private func failure(_ step: String) -> PDFError {
        HPDF_CheckError(&handle.pointee.error)
        if let first = recorder.first { return .haru(first.error, detail: first.detail, during: step) }
        return PDFError(errorCode: 0, detailCode: 0, message: "\(step): libharu reported no error code")
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
