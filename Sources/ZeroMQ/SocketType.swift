import CZeroMQ

/// The kinds of socket this project uses.
public enum SocketType: Sendable, CaseIterable {
    /// Routes by the peer's routing id, which arrives as the first frame of each message.
    case router
    /// Load-balances outgoing messages over its peers; fair-queues incoming ones.
    case dealer
    /// Publishes to every matching subscriber.
    case pub
    /// Receives what publishers send, filtered by `SocketOption.subscribe`.
    case sub
    /// One-to-one, exclusive pair.
    case pair
    /// Strict request-reply responder; used for a ZAP handler at `inproc://zeromq.zap.01`.
    case rep

    var zmqValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .pair: ZMQ_PAIR
        case .rep: ZMQ_REP
        }
    }
}
