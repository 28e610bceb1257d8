import Engine
import Foundation

/// Images waiting for the vision tower, and the pass in flight, by content: an image that several
/// requests bring is encoded once, for all of them. Bookkeeping only; the executor runs the tower.
struct VisionQueue {
    /// One image to encode and the requests whose prompts hold it.
    struct Job {
        let key: ImageKey
        /// Dropped when the job enters a pass: the tower holds its copy from then on.
        var pixels: [Float]
        var owners: [(id: RequestID, span: ImageSpan)]
    }

    private(set) var waiting: [Job] = []
    /// The jobs of the pass in flight, in the order the pass took them.
    private(set) var inFlight: [Job] = []

    /// Images waiting or being encoded.
    var depth: Int { waiting.count + inFlight.count }
    var isEmpty: Bool { depth == 0 }

    /// Queues an image for a request, or joins the job that already encodes the same content.
    mutating func add(_ image: PendingImage, for id: RequestID) {
        let owner = (id: id, span: image.span)
        if let i = inFlight.firstIndex(where: { $0.key == image.span.key }) {
            inFlight[i].owners.append(owner)
        } else if let i = waiting.firstIndex(where: { $0.key == image.span.key }) {
            waiting[i].owners.append(owner)
        } else {
            waiting.append(Job(key: image.span.key, pixels: image.pixels, owners: [owner]))
        }
    }

    /// Moves up to `limit` waiting jobs, oldest first, into a new pass; returns their pixels.
    mutating func startPass(limit: Int) -> [[Float]] {
        precondition(inFlight.isEmpty, "a pass is in flight")
        inFlight = Array(waiting.prefix(limit))
        waiting.removeFirst(inFlight.count)
        defer { for i in inFlight.indices { inFlight[i].pixels = [] } }
        return inFlight.map(\.pixels)
    }

    /// Ends the pass in flight; returns its jobs, in pass order.
    mutating func finishPass() -> [Job] {
        defer { inFlight = [] }
        return inFlight
    }

    /// A request is gone: its waiting images that nobody else wants are dropped. Returns true when
    /// the pass in flight has no owner left (it can be abandoned).
    mutating func remove(_ id: RequestID) -> Bool {
        for i in waiting.indices { waiting[i].owners.removeAll { $0.id == id } }
        waiting.removeAll { $0.owners.isEmpty }
        for i in inFlight.indices { inFlight[i].owners.removeAll { $0.id == id } }
        return !inFlight.isEmpty && inFlight.allSatisfy { $0.owners.isEmpty }
    }

    /// Forgets the pass in flight (abandoned).
    mutating func dropPass() { inFlight = [] }
}

