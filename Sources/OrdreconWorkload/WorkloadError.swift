/// Why the workload could not be written (or, for a bug in the generator, why its oracle
/// disagreed with what the generator meant an event to become).
public struct WorkloadError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
