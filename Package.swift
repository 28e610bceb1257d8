// swift-tools-version: 6.1
import PackageDescription

// Compute kernels are optimised in every configuration: a debug build of a SIMD loop is ~600× slower,
// which would make even the tests that run the real model crawl.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "Loom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loom-controller", targets: ["Controller"]),
        .executable(name: "loom-worker", targets: ["Worker"]),
        .executable(name: "loom-top", targets: ["Dashboard"]),
        .executable(name: "loom-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The controller's HTTP front door. Its default traits pull in swift-configuration, unused here.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        // Already in the graph through hummingbird: runs the HTTP server and the controller as one service group.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // loom-bench's latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        // The controller records its metrics through swift-metrics into a Prometheus registry it serves on /metrics.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // loom-bench's and loom-top's HTTP client, and the NIO types its API speaks (already in the graph through hummingbird).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        // The HTTP request and response parts the front door's connection handlers see (already in the graph through hummingbird).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // MARK: System libraries (Debian packages)
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // MARK: Hand-written C: quantized dot products with AVX2 / AVX-512 chosen at run time.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // MARK: Libraries
        // Wire messages and codec: pure Swift, knows nothing of ZeroMQ.
        .target(name: "LoomProtocol", path: "Sources/Protocol"),
        // The one place that calls zmq_*.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // Constrained decoding: GBNF grammars and the token masks they allow. No dependencies. Optimised
        // because building the mask cache walks the whole vocabulary once per grammar position.
        .target(name: "Grammar", swiftSettings: optimised),
        // The model: GGUF, kernels, tokenizers, decoder, vision, sampler, KV pool.
        .target(
            name: "Engine",
            dependencies: ["CKernels", "COpenBLAS", "CTurboJPEG", "CPNG", "Grammar", .product(name: "Logging", package: "swift-log")],
            swiftSettings: optimised),
        .target(
            name: "WorkerKit",
            dependencies: ["Engine", "Grammar", "LoomProtocol", "ZeroMQ", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "ControllerKit",
            dependencies: [
                "Grammar", "LoomProtocol", "ZeroMQ", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // What loom-top and loom-bench share: controller addresses, the HTTP client's setup and failures, STATUS over ZeroMQ.
        .target(
            name: "ClientKit",
            dependencies: [
                "LoomProtocol", "ZeroMQ", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "DashboardKit",
            dependencies: ["ClientKit", "LoomProtocol", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(
            name: "BenchKit",
            dependencies: [
                "ClientKit", "LoomProtocol", "ZeroMQ", .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // MARK: Executables: argument parsing and wiring only.
        .executableTarget(
            name: "Worker",
            dependencies: ["WorkerKit", "Engine", "Grammar", "ZeroMQ", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "Controller",
            dependencies: [
                "ControllerKit", "LoomProtocol", "ZeroMQ", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "Dashboard",
            dependencies: [
                "DashboardKit", "ClientKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .executableTarget(
            name: "Bench",
            dependencies: ["BenchKit", "ClientKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["LoomProtocol"], path: "Tests/TestSupport"),
        // Writes GGUF files from metadata and tensors, for the reader's tests and its fuzzing.
        .target(name: "GGUFTestSupport", dependencies: ["Engine"], path: "Tests/GGUFTestSupport"),
        .testTarget(name: "ProtocolTests", dependencies: ["LoomProtocol", "TestSupport"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "CZeroMQ"]),
        // Engine only for the real vocabulary (SmolLM2's tokenizer) in the mask tests.
        .testTarget(name: "GrammarTests", dependencies: ["Grammar", "Engine"]),
        .testTarget(
            name: "ControllerKitTests",
            dependencies: [
                "ControllerKit", "LoomProtocol", "ZeroMQ", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(name: "WorkerKitTests", dependencies: ["WorkerKit", "Engine", "Grammar", "LoomProtocol", "ZeroMQ", "TestSupport"]),
        // CURVE end to end and the multi-host drill on network namespaces (deploy/).
        .testTarget(
            name: "DeployTests",
            dependencies: ["ControllerKit", "WorkerKit", "LoomProtocol", "ZeroMQ", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        // Real controller and worker processes on loopback, for the loom-top and loom-bench tests.
        .target(
            name: "ClusterSupport",
            dependencies: ["ClientKit", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Tests/ClusterSupport"),
        .testTarget(
            name: "ClientKitTests",
            dependencies: [
                "ClientKit", "ClusterSupport", "LoomProtocol", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "DashboardKitTests", dependencies: ["DashboardKit", "ClientKit", "ClusterSupport", "LoomProtocol", "TestSupport"]),
        .testTarget(name: "BenchKitTests", dependencies: ["BenchKit", "ClientKit", "ClusterSupport", "LoomProtocol", "TestSupport"]),
        .testTarget(
            name: "EngineTests", dependencies: ["Engine", "CKernels", "COpenBLAS", "CTurboJPEG", "TestSupport", "GGUFTestSupport",
                                                // Free-running generation against references runs through the serving executor.
                                                "WorkerKit", "LoomProtocol"],
            exclude: ["Data"], swiftSettings: optimised),
        // Seeded fuzzing of what reads untrusted bytes: HTTP bodies, images, GGUF files, wire frames.
        .testTarget(name: "FuzzTests", dependencies: ["ControllerKit", "Engine", "LoomProtocol", "TestSupport", "GGUFTestSupport"]),
        // Starts the built loom-controller and loom-worker as child processes: run `swift build --build-tests` first.
        .testTarget(name: "IntegrationTests", dependencies: ["Engine", "TestSupport"], exclude: ["Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)
