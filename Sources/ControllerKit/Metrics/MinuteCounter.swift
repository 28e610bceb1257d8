/// Events counted over the last 60 s in one-second buckets: bounded however many events come.
struct MinuteCounter: Sendable {
    private var buckets = Array(repeating: 0, count: 60)
    /// The whole second each bucket last counted for; `nil` before its first event.
    private var bucketSecond = [Int64?](repeating: nil, count: 60)

    mutating func add(at second: Int64) {
        let index = Self.index(of: second)
        if bucketSecond[index] != second {
            bucketSecond[index] = second
            buckets[index] = 0
        }
        buckets[index] += 1
    }

    func total(at second: Int64) -> Int {
        buckets.indices.reduce(0) { sum, index in
            guard let counted = bucketSecond[index], counted <= second, second - counted < 60 else { return sum }
            return sum + buckets[index]
        }
    }

    private static func index(of second: Int64) -> Int {
        Int(((second % 60) + 60) % 60)
    }
}
