import Engine
import Testing
import TestSupport

/// The image embedding cache: bounded by bytes, least recently used out first, and the newest keys
/// for the heartbeat.
struct ImageEmbeddingCacheTests {
    /// The key of a made-up image `n`.
    static func key(_ n: Int) -> ImageKey { ImageKey(Array("image \(n)".utf8)) }

    /// `count` floats, all `n`: 4 × count bytes.
    static func rows(_ n: Int, count: Int = 4) -> [Float] { [Float](repeating: Float(n), count: count) }

    /// Which of images 0..<n the cache holds, read without touching their recency.
    static func held(_ cache: ImageEmbeddingCache, of n: Int = 10) -> Set<Int> {
        let keys = Set(cache.recentKeys(cache.count))
        return Set((0..<n).filter { keys.contains(key($0)) })
    }

    @Test func neverHoldsMoreBytesThanItsCapacity() {
        var cache = ImageEmbeddingCache(capacityBytes: 3 * 16)
        for n in 0..<5 {
            cache.insert(Self.rows(n), for: Self.key(n))
            #expect(cache.usedBytes <= cache.capacityBytes && cache.count <= 3, "after image \(n)")
        }
        #expect(cache.usedBytes == 48)
        #expect(Self.held(cache) == [2, 3, 4])
        for n in 2..<5 { #expect(cache.lookup(Self.key(n)) == Self.rows(n)) }
    }

    @Test func evictsTheLeastRecentlyUsed() {
        var cache = ImageEmbeddingCache(capacityBytes: 3 * 16)
        for n in 0..<3 { cache.insert(Self.rows(n), for: Self.key(n)) }
        _ = cache.lookup(Self.key(0))  // 0 is now newer than 1 and 2
        cache.insert(Self.rows(3), for: Self.key(3))
        #expect(Self.held(cache) == [0, 2, 3])
        _ = cache.lookup(Self.key(2))  // uses: 0, 3, 2
        cache.insert(Self.rows(4), for: Self.key(4))
        #expect(Self.held(cache) == [2, 3, 4])
    }

    @Test func aLookupMakesAnImageTheNewest() {
        var cache = ImageEmbeddingCache(capacityBytes: 1 << 20)
        let (a, b, c) = (Self.key(0), Self.key(1), Self.key(2))
        for (n, key) in [a, b, c].enumerated() { cache.insert(Self.rows(n), for: key) }
        #expect(cache.recentKeys(3) == [c, b, a])
        #expect(cache.lookup(a) == Self.rows(0))
        #expect(cache.recentKeys(3) == [a, c, b])
        _ = cache.lookup(b)
        #expect(cache.recentKeys(3) == [b, a, c])
        #expect(cache.recentKeys(2) == [b, a])
        #expect(cache.recentKeys(10) == [b, a, c])
    }

    @Test func aLargeImageEvictsAsManyOldOnesAsItNeeds() {
        var cache = ImageEmbeddingCache(capacityBytes: 4 * 16)
        for n in 0..<4 { cache.insert(Self.rows(n), for: Self.key(n)) }
        cache.insert(Self.rows(4, count: 12), for: Self.key(4))  // 48 bytes: three of the four go
        #expect(Self.held(cache) == [3, 4])
        #expect(cache.usedBytes == 64)
    }

    @Test func anImageLargerThanTheCacheIsNotKeptAndEvictsNothing() {
        var cache = ImageEmbeddingCache(capacityBytes: 3 * 16)
        for n in 0..<2 { cache.insert(Self.rows(n), for: Self.key(n)) }
        cache.insert(Self.rows(9, count: 13), for: Self.key(9))
        #expect(Self.held(cache) == [0, 1])
        #expect(cache.usedBytes == 32)
    }

    @Test func insertingAHeldImageAgainChangesNothing() {
        var cache = ImageEmbeddingCache(capacityBytes: 3 * 16)
        cache.insert(Self.rows(0), for: Self.key(0))
        cache.insert(Self.rows(7), for: Self.key(0))
        #expect(cache.count == 1 && cache.usedBytes == 16)
        #expect(cache.lookup(Self.key(0)) == Self.rows(0))
    }

    @Test func countsHitsAndMisses() {
        var cache = ImageEmbeddingCache(capacityBytes: 1 << 20)
        #expect(cache.lookup(Self.key(0)) == nil)
        cache.insert(Self.rows(0), for: Self.key(0))
        _ = cache.lookup(Self.key(0))
        _ = cache.lookup(Self.key(0))
        _ = cache.lookup(Self.key(1))
        #expect((cache.hits, cache.misses) == (2, 2))
    }

    @Test func recentKeysAreTheNewestFirst() {
        var cache = ImageEmbeddingCache(capacityBytes: 1 << 20)
        for n in 0..<20 { cache.insert(Self.rows(n), for: Self.key(n)) }
        #expect(cache.recentKeys(16) == (4..<20).reversed().map(Self.key))
        #expect(cache.recentKeys(0).isEmpty)
    }

    @Test func keysAreTheImageBytes() {
        #expect(ImageKey([1, 2, 3]) == ImageKey([1, 2, 3]))
        #expect(ImageKey([1, 2, 3]) != ImageKey([1, 2, 4]))
        #expect(ImageKey([]).byteCount == 0 && ImageKey([0, 0]).byteCount == 2)
        // The keyed hash follows the bytes too, and is not the public FNV hash.
        let a = ImageKey(Array(0..<200)), b = ImageKey(Array(0..<200))
        #expect(a.keyed == b.keyed && a.keyed != ImageKey(Array(1..<201)).keyed && a.keyed != a.hash)
    }

    /// Through the embedder on the tiny projector, with room for two images: what the heartbeat
    /// advertises (`recentImages`) follows the images asked about, newest first, and an image asked
    /// about again is not encoded again.
    @Test(.requires(.sharedFixtures))
    func theEmbedderAdvertisesItsRecentImages() throws {
        let imageBytes = 16 * 64 * 4  // 16 positions of the tiny LLaMA's width, 64
        let embedder = try ImageEmbedder(
            mmproj: GGUFFile(path: Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")), languageWidth: 64, pool: ComputePool(threads: 2), cacheBytes: 2 * imageBytes)
        try #require(embedder.positionsPerImage * embedder.width * 4 == imageBytes)
        let images = try ["tiny_56.png", "tiny_56.jpg", "wide_72x40.png"].map { try ImageTestFiles.fixture($0) }
        let (png, jpg, wide) = (images[0], images[1], images[2])
        func hash(_ bytes: [UInt8]) -> UInt64 { ImageKey(bytes).hash }
        // A prompt of one image, built (the cache asked first) and encoded: its rows.
        let builder = PromptBuilder(tokenizer: try Tokenizer(gguf: GGUFFile(path: Fixtures.path("tiny-llava/tiny-llama-f32.gguf"))),
                                    images: embedder)
        func embed(_ bytes: [UInt8]) throws -> [Float] {
            var prompt = try builder.build("<image>", parseSpecial: false, images: [bytes])
            try embedder.encodePending(&prompt)
            return prompt.images[0].positions.flatMap { position -> [Float] in
                if case .embedding(let row) = prompt.items[position] { Array(row) } else { [] }
            }
        }

        let first = try embed(png)
        _ = try embed(jpg)
        #expect(embedder.recentImages() == [hash(jpg), hash(png)])
        #expect(try embed(png) == first)
        #expect(embedder.input.cacheHits == 1)
        #expect(embedder.recentImages() == [hash(png), hash(jpg)])
        _ = try embed(wide)  // no room for three: the jpg, used longest ago, goes
        #expect(embedder.recentImages() == [hash(wide), hash(png)])
        #expect(embedder.recentImages(1) == [hash(wide)])
        #expect(embedder.input.cacheMisses == 3)
    }
}
