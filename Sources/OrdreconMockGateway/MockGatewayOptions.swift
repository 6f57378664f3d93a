/// How a ``MockGateway`` listens and misbehaves.
public struct MockGatewayOptions: Sendable {
    /// The address to listen on: an IPv4 or IPv6 literal, or `localhost` (127.0.0.1).
    public var host: String
    /// The TCP port; 0 takes any free port (``MockGateway/run(onListening:)`` reports it).
    public var port: Int
    /// The probability (0...1) that a refund request is answered 500 without being processed.
    public var failRate: Double
    /// How long to wait after processing a refund request before answering it.
    public var delayMilliseconds: Int
    /// The probability (0...1) that the connection is dropped after a refund request with a
    /// new key was processed (remembered), so the client never sees the answer.
    public var dropConnectionRate: Double
    /// The seed of the random choices; nil seeds from the clock.
    public var seed: UInt64?
    /// Answers given, in order, to the first refund requests instead of processing them.
    public var script: [MockAnswer]
    /// A JSON Lines file that records every refund request and restores the remembered keys
    /// on start; nil keeps everything in memory only.
    public var journalPath: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8099,
        failRate: Double = 0,
        delayMilliseconds: Int = 0,
        dropConnectionRate: Double = 0,
        seed: UInt64? = nil,
        script: [MockAnswer] = [],
        journalPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.failRate = failRate
        self.delayMilliseconds = delayMilliseconds
        self.dropConnectionRate = dropConnectionRate
        self.seed = seed
        self.script = script
        self.journalPath = journalPath
    }
}
