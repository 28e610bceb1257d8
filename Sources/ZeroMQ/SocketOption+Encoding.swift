import CZeroMQ

extension SocketOption {
    /// How an option's value is laid out for `zmq_setsockopt`.
    enum Value {
        case int32(Int32)
        case int64(Int64)
        case bytes([UInt8])

        static func flag(_ on: Bool) -> Value { .int32(on ? 1 : 0) }
    }

    /// The libzmq option number, its name (for error messages) and its value.
    var encoded: (code: Int32, name: String, value: Value) {
        switch self {
        case .linger(let d): (ZMQ_LINGER, "ZMQ_LINGER", .int32(d.zmqMilliseconds))
        case .sendHighWaterMark(let n): (ZMQ_SNDHWM, "ZMQ_SNDHWM", .int32(Int32(clamping: n)))
        case .receiveHighWaterMark(let n): (ZMQ_RCVHWM, "ZMQ_RCVHWM", .int32(Int32(clamping: n)))
        case .maxMessageSize(let bytes): (ZMQ_MAXMSGSIZE, "ZMQ_MAXMSGSIZE", .int64(Int64(bytes)))
        case .routerMandatory(let on): (ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY", .flag(on))
        case .routerHandover(let on): (ZMQ_ROUTER_HANDOVER, "ZMQ_ROUTER_HANDOVER", .flag(on))
        case .routingID(let id): (ZMQ_ROUTING_ID, "ZMQ_ROUTING_ID", .bytes(id))
        case .reconnectInterval(let d): (ZMQ_RECONNECT_IVL, "ZMQ_RECONNECT_IVL", .int32(d.zmqMilliseconds))
        case .reconnectIntervalMax(let d):
            (ZMQ_RECONNECT_IVL_MAX, "ZMQ_RECONNECT_IVL_MAX", .int32(d.zmqMilliseconds))
        case .heartbeatInterval(let d): (ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL", .int32(d.zmqMilliseconds))
        case .heartbeatTimeToLive(let d): (ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL", .int32(d.zmqMilliseconds))
        case .heartbeatTimeout(let d):
            (ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT", .int32(d.zmqMilliseconds))
        case .immediate(let on): (ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE", .flag(on))
        case .receiveTimeout(let d): (ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO", .int32(d.zmqMillisecondsOrInfinite))
        case .sendTimeout(let d): (ZMQ_SNDTIMEO, "ZMQ_SNDTIMEO", .int32(d.zmqMillisecondsOrInfinite))
        case .subscribe(let prefix): (ZMQ_SUBSCRIBE, "ZMQ_SUBSCRIBE", .bytes(prefix))
        case .unsubscribe(let prefix): (ZMQ_UNSUBSCRIBE, "ZMQ_UNSUBSCRIBE", .bytes(prefix))
        case .curveServer(let on): (ZMQ_CURVE_SERVER, "ZMQ_CURVE_SERVER", .flag(on))
        case .curvePublicKey(let key): (ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY", .bytes(Array(key.utf8)))
        case .curveSecretKey(let key): (ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", .bytes(Array(key.utf8)))
        case .curveServerKey(let key): (ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY", .bytes(Array(key.utf8)))
        case .zapDomain(let domain): (ZMQ_ZAP_DOMAIN, "ZMQ_ZAP_DOMAIN", .bytes(Array(domain.utf8)))
        }
    }
}
