/// SQL that reads the same in both stores' dialects (SQLite 3.30 or newer, PostgreSQL).
public enum StoreSQL {
    /// `, COUNT(*) FILTER (WHERE column <= b1), …`: a histogram's cumulative counts, bounds in
    /// milliseconds like the column, counting only the rows where `condition` holds, when given.
    /// A bound is a number written into the SQL (never text from a user): whole bounds as
    /// integers, others as decimals; +∞ counts every row, −∞ and NaN none.
    public static func bucketCounts(_ column: String, _ bounds: [Double], when condition: String?) -> String {
        bounds.map { milliseconds in
            let test: String
            if milliseconds.isNaN || milliseconds == -.infinity {
                test = "FALSE"
            } else if milliseconds == .infinity {
                test = "TRUE"
            } else if milliseconds == milliseconds.rounded(), abs(milliseconds) < 9.2e18 {
                test = "\(column) <= \(Int64(milliseconds))"
            } else {
                test = "\(column) <= \(milliseconds)"
            }
            return ", COUNT(*) FILTER (WHERE " + (condition.map { "\($0) AND \(test)" } ?? test) + ")"
        }.joined()
    }
}
