import ClientKit

/// The options as typed, before they are checked: what the command line parser fills in.
public struct BenchArguments: Sendable {
    public var url: String?
    public var controller: String?
    public var model: String?
    public var concurrency: Int?
    public var rate: Double?
    public var burstiness: Double?
    public var requests: Int?
    public var duration: Double?
    public var prompts: String?
    public var synthetic = false
    public var inputTokens: Int?
    public var images: [String] = []
    public var conversations: Int?
    public var turns: Int?
    public var systemPromptTokens: Int?
    /// Seconds: the mean pause between a conversation's answer and its next turn.
    public var thinkTime: Double?
    public var maxTokens = 128
    public var warmup = 0
    public var seed: UInt64 = 0
    public var json: String?
    public var allowRemote = false
    public var requestTimeout: Double = 300

    public init() {}

    /// Checks every option and their combinations; the first problem is thrown as one line.
    public func configuration() throws(BenchError) -> BenchConfiguration {
        let target = try checkedTarget()
        let (load, stop) = if let conversations { try checkedConversations(conversations) } else { (try checkedLoad(), try checkedStop()) }
        var configuration = BenchConfiguration(
            target: target, model: model, load: load, stop: stop, prompts: try checkedPrompts(), images: images,
            systemPromptTokens: systemPromptTokens, maxTokens: maxTokens, warmup: warmup, seed: seed, jsonPath: json)
        if let systemPromptTokens, !(1...1_000_000).contains(systemPromptTokens) {
            throw BenchError("--system-prompt-tokens must be between 1 and 1000000")
        }
        guard maxTokens >= 1 else { throw BenchError("--max-tokens must be at least 1") }
        guard warmup >= 0 else { throw BenchError("--warmup must not be negative") }
        guard requestTimeout > 0, requestTimeout.isFinite else { throw BenchError("--request-timeout must be a positive number of seconds") }
        if let model, model.isEmpty { throw BenchError("--model must not be empty") }
        configuration.requestTimeout = .milliseconds(Int(requestTimeout * 1000))
        if let thinkTime {
            guard conversations != nil else { throw BenchError("--think-time goes with --conversations") }
            guard thinkTime >= 0, thinkTime <= 3600 else { throw BenchError("--think-time must be between 0 and 3600 seconds") }
            configuration.thinkTime = .milliseconds(Int(thinkTime * 1000))
        }
        return configuration
    }

    private func checkedTarget() throws(BenchError) -> ControllerAddress {
        let address: ControllerAddress
        do {
            switch (url, controller) {
            case (let url?, nil): address = try .http(url)
            case (nil, let controller?): address = try .zeroMQ(controller)
            case (nil, nil): throw BenchError("give the controller with --url http://HOST:PORT or --controller tcp://HOST:PORT")
            case (_?, _?): throw BenchError("give --url or --controller, not both")
            }
        } catch let error as AddressError {
            throw BenchError(error.description)
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError(String(describing: error))
        }
        guard allowRemote || address.isLoopback else {
            throw BenchError(
                "refusing to load \(address.host): not a loopback address (127.0.0.0/8, localhost, ::1); add --allow-remote to benchmark another host")
        }
        return address
    }

    /// `count` conversations of `--turns` turns, `--concurrency` at once (all of them by default):
    /// their count and turns are the run's length, so neither --requests nor --duration.
    private func checkedConversations(_ count: Int) throws(BenchError) -> (BenchConfiguration.Load, BenchConfiguration.Stop) {
        guard (1...1_000_000).contains(count) else { throw BenchError("--conversations must be between 1 and 1000000") }
        let turns = self.turns ?? 4
        guard (1...1000).contains(turns) else { throw BenchError("--turns must be between 1 and 1000") }
        guard rate == nil, burstiness == nil else {
            throw BenchError("--conversations runs a closed loop (--concurrency bounds it); it does not go with --rate or --burstiness")
        }
        guard requests == nil, duration == nil else {
            throw BenchError("--conversations and --turns set the run's length; they do not go with --requests or --duration")
        }
        guard prompts == nil else { throw BenchError("--conversations sends synthetic user turns; it does not go with --prompts") }
        let streams = concurrency ?? count
        guard (1...100_000).contains(streams) else { throw BenchError("--concurrency must be between 1 and 100000") }
        // The progress bar counts the requests the conversations send when no turn fails.
        return (.conversations(count: count, turns: turns, concurrency: min(streams, count)), .requests(count * turns))
    }

    private func checkedLoad() throws(BenchError) -> BenchConfiguration.Load {
        guard turns == nil else { throw BenchError("--turns goes with --conversations") }
        switch (concurrency, rate) {
        case (let streams?, nil):
            guard burstiness == nil else { throw BenchError("--burstiness shapes --rate arrivals; it does not go with --concurrency") }
            guard (1...100_000).contains(streams) else { throw BenchError("--concurrency must be between 1 and 100000") }
            return .closed(concurrency: streams)
        case (nil, let rate?):
            guard rate > 0, rate.isFinite else { throw BenchError("--rate must be a positive number of requests per second") }
            let shape = burstiness ?? 1
            guard shape > 0, shape.isFinite else { throw BenchError("--burstiness must be positive (1 is Poisson, lower is burstier)") }
            return .open(rate: rate, burstiness: shape)
        case (nil, nil):
            throw BenchError("choose the load: --concurrency N (closed loop) or --rate R (open loop)")
        case (_?, _?):
            throw BenchError("give --concurrency or --rate, not both")
        }
    }

    private func checkedStop() throws(BenchError) -> BenchConfiguration.Stop {
        switch (requests, duration) {
        case (let count?, nil):
            guard count >= 1 else { throw BenchError("--requests must be at least 1") }
            return .requests(count)
        case (nil, let seconds?):
            guard seconds > 0, seconds.isFinite else { throw BenchError("--duration must be a positive number of seconds") }
            return .duration(.milliseconds(Int(seconds * 1000)))
        case (nil, nil):
            throw BenchError("say when to stop: --requests N or --duration SECONDS")
        case (_?, _?):
            throw BenchError("give --requests or --duration, not both")
        }
    }

    private func checkedPrompts() throws(BenchError) -> BenchConfiguration.Prompts {
        if let prompts {
            guard !synthetic, inputTokens == nil else { throw BenchError("--prompts and --synthetic/--input-tokens exclude each other") }
            return .file(prompts)
        }
        let tokens = inputTokens ?? 128
        guard (1...1_000_000).contains(tokens) else { throw BenchError("--input-tokens must be between 1 and 1000000") }
        return .synthetic(inputTokens: tokens)
    }
}
