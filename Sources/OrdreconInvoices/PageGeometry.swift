/// A4 portrait in PDF points (1/72 inch), with the margins every page keeps.
enum PageGeometry {
    static let width: Float = 595.276
    static let height: Float = 841.89
    static let margin: Float = 36
    static let left: Float = margin
    static let right: Float = width - margin
    static let contentWidth: Float = right - left
    /// The top of the content.
    static let top: Float = height - margin
    /// Nothing but the footer goes below this line.
    static let bodyBottom: Float = 66
}
