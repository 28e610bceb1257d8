import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport
import ZeroMQ

/// The built `loom-controller` and `loom-worker` with CURVE from the command line: keys from
/// `keygen`, a worker refused while its key is not listed, let in after the list is edited and the
/// controller sent SIGHUP, and then served.
@Suite(.requires(.servers, .sharedFixtures))
struct KeyReloadExecutableTests {
    @Test func sighupLetsInAWorkerWhoseKeyWasAdded() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.path
        for (product, name) in [("loom-controller", "controller"), ("loom-worker", "w1")] {
            let keygen = try ChildProcess(product, ["keygen", "--out", keys, "--name", name])
            #expect(await eventually { keygen.exitStatus == 0 })
        }
        let list = directory.appendingPathComponent("workers.keys")
        try "# no worker yet\n".write(to: list, atomically: true, encoding: .utf8)

        let controller = try ChildProcess("loom-controller", [
            "--workers", "tcp://127.0.0.1:*", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0",
            "--heartbeat-ms", "100", "--curve-secret-key", "\(keys)/controller.key", "--worker-keys", list.path,
        ])
        #expect(await eventually { controller.value(of: "http") != nil }, "it starts: \(controller.output)")
        let workers = try #require(controller.value(of: "workers"))
        let http = try #require(controller.value(of: "http"))
        #expect(!controller.lines(containing: "CURVE allow-lists", "workers: 0 keys").isEmpty)

        let worker = try ChildProcess("loom-worker", [
            "serve", "--controller", workers, "--model", Paths.tinyModel, "--id", "w1", "--heartbeat-ms", "100",
            "--threads", "1", "--kv-budget", "\(8 << 20)", "--curve-server-key", "\(keys)/controller.pub",
            "--curve-key", "\(keys)/w1.key",
        ])
        let publicKey = try CurveKeyFile.readKey(at: "\(keys)/w1.pub")
        #expect(await eventually { !controller.lines(containing: "refused a worker connection", publicKey).isEmpty },
                "refused and logged: \(controller.output)")
        #expect(controller.lines(containing: "worker registered").isEmpty)

        try "\(publicKey)  # w1\n".write(to: list, atomically: true, encoding: .utf8)
        controller.signal(SIGHUP)
        #expect(await eventually { !controller.lines(containing: "CURVE allow-lists reloaded", "workers: 1 keys").isEmpty })
        #expect(await eventually { !controller.lines(containing: "worker registered", "worker=w1").isEmpty },
                "let in after the reload: \(controller.output)")

        var request = URLRequest(url: try #require(URL(string: "http://\(http)/v1/chat/completions")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model":"tiny-llama-f32","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)

        worker.signal(SIGTERM)
        controller.signal(SIGTERM)
        #expect(await eventually { controller.exitStatus == 0 && worker.exitStatus == 0 })
    }
}
