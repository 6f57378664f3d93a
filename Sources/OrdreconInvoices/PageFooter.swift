/// The foot of every page: the notes every document carries and the page number.
enum PageFooter {
    static let size: Float = 7.5
    static let note = "Prices include GST. This is a computer-generated document."

    static func draw(on canvas: PageCanvas, page: Int, of pages: Int) {
        let left = PageGeometry.left
        let width = PageGeometry.contentWidth
        canvas.rule(x: left, y: 56, width: width, lineWidth: 0.3, gray: 0.5)
        canvas.text(note, x: left, width: width - 70, y: 44, .left, size: size)
        canvas.text("Page \(page) of \(pages)", x: left + width - 70, width: 70, y: 44, .right, size: size)
    }
}
