import ControllerKit
import LoomProtocol
import Testing
import TestSupport

/// Random traffic, random failures (stalls among them): whatever happens, every request the relay admits ends with
/// exactly one FINAL or ERROR to its client, by its deadline.
@Suite("Relay simulation")
struct RelaySimulationTests {
    @Test(arguments: 1...20 as ClosedRange<UInt64>)
    func everyRequestEndsExactlyOnce(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var harness = RelayHarness {
            $0.requestTimeout = .seconds(2)
            $0.maxQueue = 4
            // Workers the simulation leaves without a reply for this long are dropped as stalled.
            $0.stallTimeout = .milliseconds(500)
        }
        let workers = ["a", "b", "c"]
        var ends: [String: Int] = [:]
        var sent = 0
        /// Per worker-side id: the worker holding it and tokens sent.
        var running: [String: (worker: String, tokens: Int)] = [:]

        func collect(_ messages: [RelayHarness.Sent]) {
            for message in messages {
                switch message {
                case .toWorker(let worker, .request(let request)):
                    running[request.id] = (worker, 0)
                case .toWorker(_, .cancel(let id)):
                    running[id] = nil
                case .toWorker(let worker, .disconnect):
                    running = running.filter { $0.value.worker != worker }
                case .toClient(_, let reply) where reply.finishReason != nil || reply.errorCode != nil:
                    ends[reply.requestId ?? "", default: 0] += 1
                default:
                    break
                }
            }
        }

        for step in 0..<400 {
            switch random.next() % 10 {
            case 0:
                harness.ready(workers[Int(random.next() % 3)], instance: random.next() % 2)
            case 1, 2:
                sent += 1
                harness.request("q\(step)", tokens: 5)
            case 3, 4, 5:
                if let (id, held) = running.randomElement(using: &random) {
                    if held.tokens < 3 || random.next() % 2 == 0 {
                        running[id]?.tokens += 1
                        harness.worker(held.worker, partial(id, held.tokens + 1))
                    } else {
                        running[id] = nil
                        harness.worker(held.worker, final(id, tokens: held.tokens))
                    }
                }
            case 6:
                let worker = workers[Int(random.next() % 3)]
                harness.relay.workerUnreachable(worker, now: harness.now)
                running = running.filter { $0.value.worker != worker }
            case 7:
                harness.client("c1", .cancel(requestId: "q\(step - Int(random.next() % 20))"))
            case 8:
                for worker in workers where random.next() % 2 == 0 { harness.worker(worker, .heartbeat(load())) }
            default:
                harness.advance(milliseconds: Int(random.next() % 150))
            }
            collect(harness.take())
        }
        // Past every deadline: nothing may be left.
        for _ in 0..<30 {
            harness.advance(milliseconds: 100)
            collect(harness.take())
        }
        #expect(harness.relay.requestCount == 0)
        #expect(ends.count == sent, "every request ended")
        #expect(ends.values.allSatisfy { $0 == 1 }, "and only once: \(ends.filter { $0.value != 1 })")
    }
}

