import ControllerKit
import Foundation
import LoomProtocol
import TestSupport
import Testing

/// `n`, `logit_bias`, `echo` and the model documents over HTTP, against synthetic workers (every
/// request answers "t0 t1 …", prompt 5 tokens of which 3 cached).
@Suite("HTTP extras")
struct HTTPExtrasTests {
    static func choices(_ json: [String: Any]?) -> [[String: Any]] { json?["choices"] as? [[String: Any]] ?? [] }

    @Test func nChoicesInOneDocumentWithDerivedSeeds() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 3, extra: #","n":3,"seed":77"#))
            #expect(response.status == 200)
            let choices = Self.choices(response.json)
            #expect(choices.compactMap { $0["index"] as? Int } == [0, 1, 2])
            #expect(choices.map { ($0["message"] as? [String: Any])?["content"] as? String } == Array(repeating: "t0 t1 t2 ", count: 3))
            #expect(choices.map { $0["finish_reason"] as? String } == ["length", "length", "length"])
            let usage = response.json?["usage"] as? [String: Any]
            #expect(usage?["prompt_tokens"] as? Int == 5, "the prompt once")
            #expect(usage?["completion_tokens"] as? Int == 9, "the choices' tokens summed")
            #expect(usage?["total_tokens"] as? Int == 14)

            let requests = worker.requestsReceived()
            #expect(requests.count == 3, "one wire request per choice")
            var generator = SplitMix64(seed: 77)
            let expected: Set<UInt64> = [77, generator.next(), generator.next()]
            #expect(Set(requests.compactMap(\.sampling.seed)) == expected, "choice 0 keeps the seed, the others follow by SplitMix64")

            _ = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 1, extra: #","n":2"#))
            let unseeded = worker.requestsReceived()
            #expect(unseeded.count == 2 && unseeded.allSatisfy { $0.sampling.seed == nil }, "without a seed, each worker draws its own")
        }
    }

    /// Choice 0 goes alone; the others once it has answered, so they find its prompt in the cache.
    @Test func theOtherChoicesFollowTheFirstsAnswer() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(300) }
            defer { worker.kill() }
            let port = cluster.port
            let answer = Task { try await HTTPConnection.exchange(port: port, "POST", "/v1/chat/completions", body: Array(chatBody(tokens: 2, extra: #","n":3"#).utf8)) }
            #expect(await eventually { worker.events.count >= 1 })
            // Its first token is 300 ms away: the others wait for it.
            try await Task.sleep(for: .milliseconds(150))
            #expect(worker.events.count == 1)
            #expect(await eventually { worker.events.count == 3 })
            let response = try await answer.value
            #expect(Self.choices(response.json).count == 3)
        }
    }

    @Test func streamedChoicesInterleaveWithTheirIndex() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let body = #"{"model":"test-model","prompt":"Once","max_tokens":4,"n":3,"stream":true,"stream_options":{"include_usage":true}}"#
            let events = serverSentEvents(try await cluster.post("/v1/completions", json: body).text)
            #expect(events.last == "[DONE]")
            let chunks = events.dropLast().map(jsonObject)
            var texts: [Int: String] = [:]
            var finishes: [Int: String] = [:]
            for choice in chunks.flatMap(Self.choices) {
                let index = try #require(choice["index"] as? Int)
                texts[index, default: ""] += choice["text"] as? String ?? ""
                if let reason = choice["finish_reason"] as? String { finishes[index] = reason }
            }
            #expect(texts == [0: "t0 t1 t2 t3 ", 1: "t0 t1 t2 t3 ", 2: "t0 t1 t2 t3 "])
            #expect(finishes == [0: "length", 1: "length", 2: "length"])
            let usage = try #require(chunks.last?["usage"] as? [String: Any])
            #expect(Self.choices(chunks.last).isEmpty)
            #expect(usage["prompt_tokens"] as? Int == 5)
            #expect(usage["completion_tokens"] as? Int == 12)
            #expect(chunks.dropLast().allSatisfy { $0["usage"] == nil }, "usage once, at the end")
        }
    }

    /// A refusal before any token is the request's HTTP error, saying which choice it came from.
    @Test func aRefusedChoiceFailsTheRequest() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(model: "no-such-model", extra: #","n":4"#))
            #expect(response.status == 404)
            let message = (response.json?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("choice "), "the error says which choice: \(message)")
        }
    }

    /// Waits until the worker was told to cancel every request it received, three of them.
    static func expectAllCancelled(_ worker: SyntheticWorker) async {
        var cancelled = Set<String>()
        var requested = Set<String>()
        let all = await eventually(within: .seconds(3)) {
            for event in worker.events.drain() {
                switch event {
                case .request(let request): requested.insert(request.id)
                case .cancel(let id): cancelled.insert(id)
                case .disconnect: break
                }
            }
            return requested.count == 3 && cancelled == requested
        }
        #expect(all, "requested \(requested), cancelled \(cancelled)")
    }

    @Test(arguments: [false, true])
    func aClientThatLeavesCancelsEveryChoice(streaming: Bool) async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(20) }
            defer { worker.kill() }
            let connection = try HTTPConnection(port: cluster.port)
            connection.send("POST", "/v1/chat/completions", body: Array(chatBody(tokens: 100_000, stream: streaming, extra: #","n":3"#).utf8))
            if streaming {
                let started = try await offThePool { connection.read(until: { String(decoding: $0, as: UTF8.self).contains("t2 ") }) }
                #expect(String(decoding: started, as: UTF8.self).contains(#""index":"#))
            } else {
                #expect(await eventually { worker.events.count >= 3 })
            }
            connection.close()
            await Self.expectAllCancelled(worker)
        }
    }

    /// A client that leaves while choice 0 computes the prompt cancels it, and the others never go.
    @Test func aClientThatLeavesBeforeTheFirstAnswerCancelsTheFirstChoice() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .seconds(2) }
            defer { worker.kill() }
            let connection = try HTTPConnection(port: cluster.port)
            connection.send("POST", "/v1/completions", body: Array(#"{"model":"test-model","prompt":"x","n":4,"stream":true}"#.utf8))
            guard case .request(let first)? = await worker.events.next(where: { if case .request = $0 { true } else { false } }) else {
                Issue.record("choice 0 never reached the worker")
                return
            }
            connection.close()
            let cancel = await worker.events.next(where: { if case .cancel = $0 { true } else { false } })
            #expect(cancel == .cancel(first.id))
            try await Task.sleep(for: .milliseconds(200))
            #expect(worker.requestsReceived().isEmpty, "no other choice was sent")
        }
    }

    /// Choices that fail after tokens streamed end the stream with one error event naming a choice.
    @Test func aWorkerLostMidStreamEndsEveryChoiceWithOneError() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(20) }
            let connection = try HTTPConnection(port: cluster.port)
            connection.send("POST", "/v1/chat/completions", body: Array(chatBody(tokens: 1000, stream: true, extra: #","n":2"#).utf8))
            let started = try await offThePool { connection.read(until: { String(decoding: $0, as: UTF8.self).contains("t2 ") }) }
            worker.kill()
            let rest = try await offThePool { connection.read() }
            let events = serverSentEvents(try HTTPConnection.parse(started + rest).text)
            #expect(events.last == "[DONE]")
            let errors = events.map(jsonObject).compactMap { $0["error"] as? [String: Any] }
            #expect(errors.count == 1)
            #expect(errors.first?["code"] as? String == "worker_lost")
            #expect((errors.first?["message"] as? String)?.hasPrefix("choice ") == true)
        }
    }

    @Test func logitBiasReachesTheWorkerInTokenOrder() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let response = try await cluster.post(
                "/v1/chat/completions", json: chatBody(tokens: 1, extra: #","logit_bias":{"50256":-100,"7":100,"300":0.5}"#))
            #expect(response.status == 200)
            let request = try #require(worker.requestsReceived().first)
            #expect(request.sampling.logitBias == [
                LogitBias(token: 7, bias: 100), LogitBias(token: 300, bias: 0.5), LogitBias(token: 50256, bias: -100),
            ])
        }
    }

    @Test func echoPutsThePromptFirst() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let whole = try await cluster.post("/v1/completions", json: #"{"model":"test-model","prompt":"Once upon","max_tokens":2,"echo":true}"#)
            #expect(Self.choices(whole.json).first?["text"] as? String == "Once upont0 t1 ")
            let plain = try await cluster.post("/v1/completions", json: #"{"model":"test-model","prompt":"Once upon","max_tokens":2,"echo":false}"#)
            #expect(Self.choices(plain.json).first?["text"] as? String == "t0 t1 ")

            let body = #"{"model":"test-model","prompt":"Once upon","max_tokens":2,"echo":true,"stream":true,"n":2}"#
            let chunks = serverSentEvents(try await cluster.post("/v1/completions", json: body).text).dropLast().map(jsonObject)
            for index in 0..<2 {
                let texts = chunks.flatMap(Self.choices).filter { $0["index"] as? Int == index }.compactMap { $0["text"] as? String }
                #expect(texts.first == "Once upont0 ", "the prompt in the first chunk of choice \(index)")
                #expect(texts.joined() == "Once upont0 t1 ")
            }
        }
    }

    /// echo with logprobs: the prompt's entries first, its first token without a logprob, then the
    /// generated ones, offsets running on past the prompt; whole and streamed alike.
    @Test(arguments: [false, true])
    func echoWithLogprobsGivesThePromptsEntriesFirst(streaming: Bool) async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let body = #"{"model":"test-model","prompt":"Once upon a","max_tokens":2,"echo":true,"logprobs":1,"stream":\#(streaming)}"#
            let response = try await cluster.post("/v1/completions", json: body)
            #expect(response.status == 200)
            let request = try #require(worker.requestsReceived().first)
            #expect(request.sampling.promptLogprobs && request.sampling.logprobs == 1)
            let choices = streaming
                ? serverSentEvents(response.text).dropLast().map(jsonObject).flatMap(Self.choices)
                : Self.choices(response.json)
            #expect(choices.compactMap { $0["text"] as? String }.joined() == "Once upon at0 t1 ")
            let documents = choices.compactMap { $0["logprobs"] as? [String: Any] }
            let tokens = documents.flatMap { $0["tokens"] as? [String] ?? [] }
            #expect(tokens == ["Once", " upon", " a", "t0 ", "t1 "])
            let values = documents.flatMap { $0["token_logprobs"] as? [Any] ?? [] }
            #expect(values.first is NSNull)
            #expect(values.dropFirst().compactMap { $0 as? Double } == [-1, -2, -0.5, -0.625])
            let tops = documents.flatMap { $0["top_logprobs"] as? [Any] ?? [] }
            #expect(tops.first is NSNull)
            #expect((tops.dropFirst().first as? [String: Double]) == ["alt": -0.25, " upon": -1])
            #expect(documents.flatMap { $0["text_offset"] as? [Int] ?? [] } == [0, 4, 9, 11, 14])
        }
    }

    @Test func modelsHaveTheirContextAndModalities() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") {
                $0.models = [testModel, ModelInfo(name: "org/text-only", contextLength: 8192, multimodal: false)]
            }
            defer { worker.kill() }
            let list = try await cluster.get("/v1/models")
            let data = list.json?["data"] as? [[String: Any]] ?? []
            let byID = Dictionary(uniqueKeysWithValues: data.map { ($0["id"] as? String ?? "", $0) })
            let llava = try #require(byID[testModel.name])
            #expect(llava["context_length"] as? Int == 2048)
            #expect(llava["input_modalities"] as? [String] == ["text", "image"])
            #expect(llava["owned_by"] as? String == "loom")
            #expect(llava["object"] as? String == "model")
            let created = try #require(llava["created"] as? Int)
            #expect(abs(created - Int(Date().timeIntervalSince1970)) < 600)
            let text = try #require(byID["org/text-only"])
            #expect(text["context_length"] as? Int == 8192)
            #expect(text["input_modalities"] as? [String] == ["text"])

            let one = try await cluster.get("/v1/models/org/text-only")
            #expect(one.status == 200)
            #expect(one.json?["id"] as? String == "org/text-only")
            #expect(one.json?["context_length"] as? Int == 8192)
            let missing = try await cluster.get("/v1/models/nothing-here")
            #expect(missing.status == 404)
            let error = missing.json?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "no_model")
            #expect((error?["message"] as? String)?.contains("nothing-here") == true)
        }
    }
}
