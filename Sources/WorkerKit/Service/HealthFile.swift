import Foundation

/// The worker's state in a small file rewritten at every heartbeat tick, for probes that speak no
/// ZeroMQ (Kubernetes exec probes, scripts): its age tells that the comms thread runs, its one word
/// whether the controller is talking to this worker.
struct HealthFile {
    enum State: String {
        /// A message came from the controller within the last `liveness` heartbeats.
        case connected
        /// Nothing heard for longer: the controller is gone, unreachable, or refused this worker.
        case disconnected
        /// SIGTERM came: finishing running requests, taking no new ones.
        case draining
    }

    let path: String

    /// Replaces the file (written aside and renamed, so a reader never sees half of it). A failure
    /// is not the service's: the probe then sees a stale file and says so.
    func write(_ state: State) {
        try? Data((state.rawValue + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
