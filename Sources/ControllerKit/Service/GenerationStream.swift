import LoomProtocol

/// The replies to one request submitted through `SocketRelay.submit`: PARTIALs, then one FINAL or
/// ERROR. Frames are decoded here, on the reader's task, not on the socket thread.
public struct GenerationStream: AsyncSequence, Sendable {
    public enum Event: Sendable, Equatable {
        case partial(Partial)
        case final(Final)
        case error(RequestError)
    }

    public typealias Element = Event

    private let frames: AsyncStream<[[UInt8]]>
    /// The controller's id for the request.
    public let requestId: String

    init(_ frames: AsyncStream<[[UInt8]]>, requestId: String) {
        self.frames = frames
        self.requestId = requestId
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(frames: frames.makeAsyncIterator(), requestId: requestId)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var frames: AsyncStream<[[UInt8]]>.Iterator
        let requestId: String
        var ended = false

        /// The next event; after the last, `nil`. A stream that stops without FINAL or ERROR
        /// (the controller stopped, or this reader fell too far behind) ends with ERROR internal.
        public mutating func next() async -> Event? {
            guard !ended else { return nil }
            guard let message = await frames.next() else {
                ended = true
                return .error(RequestError(requestId: requestId, code: .internal, message: "the reply stream ended early: the controller stopped or the client read too slowly"))
            }
            switch Result(catching: { try ClientMessage.decode(message) }) {
            case .success(.partial(let partial)):
                return .partial(partial)
            case .success(.final(let final)):
                ended = true
                return .final(final)
            case .success(.error(let error)):
                ended = true
                return .error(error)
            case .success:
                return await next()
            case .failure(let error):
                ended = true
                return .error(RequestError(requestId: requestId, code: .internal, message: "a worker sent a malformed reply: \(error)"))
            }
        }
    }
}
