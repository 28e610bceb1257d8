/// Events counted over the last 60 s in one-second buckets: bounded however many events come.
struct MinuteCounter: Sendable {
    private var buckets = Array(repeating: 0, count: 60)
    /// The whole second each bucket last counted for.
    private var bucketSecond = Array(repeating: Int64.min, count: 60)

    mutating func add(at second: Int64) {
        let index = Int(second.remainderReportingOverflow(dividingBy: 60).partialValue + 60) % 60
        if bucketSecond[index] != second {
            bucketSecond[index] = second
            buckets[index] = 0
        }
        buckets[index] += 1
    }

    func total(at second: Int64) -> Int {
        buckets.indices.reduce(0) { sum, index in
            let age = second - bucketSecond[index]
            return age >= 0 && age < 60 ? sum + buckets[index] : sum
        }
    }
}
