/// Splits the table's rows over pages, leaving room for the totals after the last row.
enum TablePagination {
    /// The rows on each page, in order.
    ///
    /// When the totals do not fit below the last row, the last row moves to a new page with
    /// them, so they never stand alone; only when the last page holds a single row (or
    /// none) do the totals get a page of their own (an empty range).
    /// - Parameters:
    ///   - rowHeights: the height of each row.
    ///   - firstPage: the space for rows on the first page (below the header and column titles).
    ///   - laterPage: the space for rows on the next pages.
    ///   - trailer: the height of what follows the last row (the totals).
    static func pages(rowHeights: [Float], firstPage: Float, laterPage: Float, trailer: Float) -> [Range<Int>] {
        let count = rowHeights.count
        var pages: [Range<Int>] = []
        var start = 0
        var space = firstPage
        var used: Float = 0
        for (index, height) in rowHeights.enumerated() {
            if used + height > space, index > start {
                pages.append(start..<index)
                start = index
                space = laterPage
                used = 0
            }
            used += height
        }
        if used + trailer > space {
            let carried = count - start >= 2 ? count - 1 : count
            pages.append(start..<carried)
            start = carried
        }
        pages.append(start..<count)
        return pages
    }
}
