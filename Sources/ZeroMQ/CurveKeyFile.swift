import CZeroMQ
import Foundation

/// CURVE keys in files: one Z85 key per line, optionally followed by a `#` comment; blank lines and
/// lines starting with `#` are comments (Z85 uses `#` as a digit, but never as a key's first). A key pair is
/// written as `NAME.pub` (the public key, to hand out) and `NAME.key` (the secret key, readable by
/// its owner only).
public enum CurveKeyFile {
    /// The Z85 keys in `text`, in order.
    /// - Throws: `CurveKeyFileError.malformed` naming the first line that is neither a comment nor a
    ///   40-character Z85 key (with at most a `#` comment after it).
    public static func keys(in text: String, source: String) throws(CurveKeyFileError) -> [String] {
        var keys: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0.isWhitespace })
            guard let first = fields.first else { continue }
            if isZ85Key(first) {
                guard fields.count == 1 || fields[1].hasPrefix("#") else { throw .malformed(source, line: number + 1) }
                keys.append(String(first))
            } else if !first.hasPrefix("#") {
                throw .malformed(source, line: number + 1)
            }
        }
        return keys
    }

    /// The keys listed in the file at `path` (an allow-list).
    public static func readKeys(at path: String) throws(CurveKeyFileError) -> Set<String> {
        Set(try keys(in: try read(path), source: path))
    }

    /// The one key in the file at `path`.
    public static func readKey(at path: String) throws(CurveKeyFileError) -> String {
        let keys = try keys(in: try read(path), source: path)
        guard keys.count == 1, let key = keys.first else { throw .notOneKey(path, found: keys.count) }
        return key
    }

    /// A key given either as 40 characters of Z85 or as the path of a file holding one.
    public static func key(fileOrZ85 value: String) throws(CurveKeyFileError) -> String {
        if isZ85Key(value) && !FileManager.default.fileExists(atPath: value) { return value }
        return try readKey(at: value)
    }

    /// Makes a fresh key pair and writes it as `write` does.
    /// - Returns: what was written, for a person to read: both paths and the public key.
    public static func generate(in directory: String, name: String) throws -> String {
        let pair = try CurveKeyPair()
        let paths = try write(pair, to: directory, name: name)
        return "secret key: \(paths.secretKey)\npublic key: \(paths.publicKey)\n\(pair.publicKey)"
    }

    /// Writes `pair` as `directory/name.pub` (mode 0644) and `directory/name.key` (mode 0600),
    /// creating `directory` if needed; never overwrites an existing file.
    /// - Returns: the paths of the public and the secret key files.
    @discardableResult
    public static func write(
        _ pair: CurveKeyPair, to directory: String, name: String
    ) throws(CurveKeyFileError) -> (publicKey: String, secretKey: String) {
        let folder = URL(fileURLWithPath: directory)
        let publicPath = folder.appendingPathComponent(name + ".pub").path
        let secretPath = folder.appendingPathComponent(name + ".key").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(directory, reason: "\(error)")
        }
        let header = "# ZeroMQ CURVE key (Z85) of \(name); written by loom keygen\n"
        try create(secretPath, header + "# SECRET: keep this file private\n" + pair.secretKey + "\n", mode: 0o600)
        try create(publicPath, header + pair.publicKey + "\n", mode: 0o644)
        return (publicPath, secretPath)
    }

    /// Whether `text` is 40 characters that decode as Z85 (32 bytes).
    public static func isZ85Key(_ text: some StringProtocol) -> Bool {
        guard text.utf8.count == 40 else { return false }
        var decoded = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&decoded, String(text)) != nil
    }

    private static func read(_ path: String) throws(CurveKeyFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func create(_ path: String, _ text: String, mode: Int) throws(CurveKeyFileError) {
        // O_EXCL: an existing key is never replaced by accident; the mode is set before any byte is written.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            throw .unwritable(path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .unwritable(path, reason: String(cString: strerror(errno))) }
    }
}

/// Why a CURVE key file could not be read or written.
public enum CurveKeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    case malformed(String, line: Int)
    case notOneKey(String, found: Int)
    case unwritable(String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read the key file \(path)"
        case .malformed(let path, let line): "\(path), line \(line): not a 40-character Z85 CURVE key"
        case .notOneKey(let path, let found): "\(path) should hold one key, not \(found)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
