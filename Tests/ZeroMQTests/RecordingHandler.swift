import Synchronization
import ZeroMQ

/// What a `RecordingHandler` saw, readable from the test's thread.
final class Recording: Sendable {
    let received = Inbox<(socket: Int, frames: [[UInt8]])>()
    let dropped = Inbox<(message: OutgoingMessage, error: ZMQError)>()
    let ticks = Inbox<Void>()
}

/// A socket-thread handler that reports everything to a `Recording`, and can be told to fail or
/// to block in the middle of handling a message.
final class RecordingHandler: SocketThreadHandler {
    struct Failure: Error, Equatable {}

    let sockets: [Socket]
    private let recording: Recording
    /// Messages whose first payload frame is "fail" make `handle` throw; "block" makes it wait
    /// in a receive nobody will satisfy.
    private let stuck: Socket

    init(sockets: [Socket], context: Context, recording: Recording) throws {
        self.sockets = sockets
        self.recording = recording
        stuck = try Socket(context, type: .pair)
        try stuck.bind("inproc://nobody-sends-here")
    }

    func handle(_ frames: [[UInt8]], from socket: Int) throws {
        recording.received.put((socket, frames))
        switch frames.last {
        case bytes("fail"): throw Failure()
        case bytes("block"): _ = try stuck.receive()
        default: break
        }
    }

    func tick() throws { recording.ticks.put(()) }

    func dropped(_ message: OutgoingMessage, error: ZMQError) {
        recording.dropped.put((message, error))
    }
}
