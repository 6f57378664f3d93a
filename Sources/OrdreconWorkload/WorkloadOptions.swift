public import OrdreconCore

/// What to generate: how many orders, from which seed, with or without injected faults.
public struct WorkloadOptions: Sendable {
    /// Number of orders (each becomes about six events).
    public var orders: Int
    /// Seed of the generator: the same seed gives the same bytes.
    public var seed: UInt64
    /// Whether to inject rejected events, duplicates and bad files (about 2–3 % of events).
    public var faults: Bool
    /// Orders per wave; every wave is written dependencies first, then the next wave.
    public var ordersPerWave: Int
    /// When the first order of the workload is placed.
    public var startDate: Timestamp

    /// 2026-03-01T09:00:00+05:30.
    public static let defaultStartDate = Timestamp(milliseconds: 1_772_335_800_000)

    public init(
        orders: Int,
        seed: UInt64 = 1,
        faults: Bool = true,
        ordersPerWave: Int = 5000,
        startDate: Timestamp = WorkloadOptions.defaultStartDate
    ) {
        self.orders = orders
        self.seed = seed
        self.faults = faults
        self.ordersPerWave = ordersPerWave
        self.startDate = startDate
    }
}
