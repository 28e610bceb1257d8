/// A socket option, set with `Socket.set(_:)`. Durations are passed to libzmq in whole
/// milliseconds; CURVE keys are 40-character Z85 strings (see `CurveKeyPair`).
public enum SocketOption: Sendable {
    /// How long unsent messages are kept after `close` (ZMQ_LINGER). Sockets start at zero.
    case linger(Duration)
    /// Messages queued per peer before sends block or drop (ZMQ_SNDHWM; 0 means no limit).
    case sendHighWaterMark(Int)
    /// Messages queued per peer on the receiving side (ZMQ_RCVHWM; 0 means no limit).
    case receiveHighWaterMark(Int)
    /// Largest inbound frame accepted; a peer sending more is disconnected (ZMQ_MAXMSGSIZE; -1 means no limit).
    case maxMessageSize(bytes: Int)
    /// ROUTER: fail with `EHOSTUNREACH` instead of dropping a message for an unknown peer (ZMQ_ROUTER_MANDATORY).
    case routerMandatory(Bool)
    /// ROUTER: a new connection with a routing id already in use takes it over, instead of being
    /// refused; lets a restarted peer reconnect before the old connection is noticed gone (ZMQ_ROUTER_HANDOVER).
    case routerHandover(Bool)
    /// The id the peer ROUTER sees for this socket; set before `connect` (ZMQ_ROUTING_ID).
    case routingID([UInt8])
    /// First wait before reconnecting (ZMQ_RECONNECT_IVL).
    case reconnectInterval(Duration)
    /// Upper bound when the reconnect wait doubles (ZMQ_RECONNECT_IVL_MAX; zero keeps it fixed).
    case reconnectIntervalMax(Duration)
    /// Send a ZMTP PING this often (ZMQ_HEARTBEAT_IVL).
    case heartbeatInterval(Duration)
    /// Ask the peer to drop us after this long without traffic (ZMQ_HEARTBEAT_TTL).
    case heartbeatTimeToLive(Duration)
    /// Drop the connection after this long without a PONG or other traffic (ZMQ_HEARTBEAT_TIMEOUT).
    case heartbeatTimeout(Duration)
    /// Queue messages only to completed connections (ZMQ_IMMEDIATE).
    case immediate(Bool)
    /// Blocking receives give up after this long; `nil` waits forever (ZMQ_RCVTIMEO).
    case receiveTimeout(Duration?)
    /// Blocking sends give up after this long; `nil` waits forever (ZMQ_SNDTIMEO).
    case sendTimeout(Duration?)
    /// SUB: receive messages whose first frame starts with these bytes (ZMQ_SUBSCRIBE; empty for all).
    case subscribe([UInt8])
    /// SUB: undo a `subscribe` with the same bytes (ZMQ_UNSUBSCRIBE).
    case unsubscribe([UInt8])
    /// Act as the CURVE server of connections on this socket (ZMQ_CURVE_SERVER).
    case curveServer(Bool)
    /// This socket's long-term CURVE public key, Z85 (ZMQ_CURVE_PUBLICKEY).
    case curvePublicKey(String)
    /// This socket's long-term CURVE secret key, Z85 (ZMQ_CURVE_SECRETKEY).
    case curveSecretKey(String)
    /// Client: the server's public key, Z85 (ZMQ_CURVE_SERVERKEY).
    case curveServerKey(String)
    /// The domain passed to the ZAP handler for connections on this socket (ZMQ_ZAP_DOMAIN).
    case zapDomain(String)
}
