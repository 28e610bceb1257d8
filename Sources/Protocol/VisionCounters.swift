/// What a worker's image encoder did since the worker started, and what waits for it now.
public struct VisionCounters: Sendable, Equatable {
    /// Images encoded since the worker started.
    public var imagesEncoded: Int
    /// Wall seconds spent encoding them since the worker started.
    public var encodeSeconds: Double
    /// Images waiting for the encoder or being encoded now.
    public var queueDepth: Int

    public init(imagesEncoded: Int = 0, encodeSeconds: Double = 0, queueDepth: Int = 0) {
        self.imagesEncoded = imagesEncoded
        self.encodeSeconds = encodeSeconds
        self.queueDepth = queueDepth
    }
}
