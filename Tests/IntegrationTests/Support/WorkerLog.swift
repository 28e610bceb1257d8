extension ChildProcess {
    /// Requests a worker's log says it finished (`request rN: stop, …` or `length`): what it served.
    var finishedRequests: Int {
        log.split(separator: "\n").count { $0.contains("] request ") && ($0.contains(": stop, ") || $0.contains(": length, ")) }
    }
}
