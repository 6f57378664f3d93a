/// The upper bounds of the histograms' buckets, and the conversion of measured seconds.
enum HistogramBuckets {
    /// Processing one feed file: 1 ms to 5 min.
    static let fileProcessing: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// One payment gateway request: 1 ms to 30 s.
    static let gatewayRequest: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// `seconds` as a duration rounded to the nanosecond, so that sums add up exactly whatever
    /// the order of the observations; negative or non-finite values count as 0.
    static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        // Past about 292 years the nanoseconds no longer fit in an Int64.
        return .nanoseconds(Int64((min(seconds, 9e9) * 1e9).rounded()))
    }
}
