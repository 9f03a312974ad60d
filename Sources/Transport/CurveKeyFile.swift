import Foundation

/// CURVE keys on disk, as `gatehouse keygen` writes them: `NAME.key` (the Z85 secret key, mode 0600) and
/// `NAME.pub` (the Z85 public key). Lists of peer keys are files or directories of `.pub` files.
public enum CurveKeyFile {
    /// Writes a new key pair into `directory`; refuses to overwrite an existing secret key. Returns the public key.
    @discardableResult
    public static func generate(into directory: String, name: String) throws -> String {
        let pair = try CurveKeyPair.generate()
        try KeyFileWriter.write(directory: directory, name: name, secret: pair.secretKey, public: pair.publicKey)
        return pair.publicKey
    }

    /// The secret key in `path`, checked. The error never contains key material.
    public static func readSecretKey(at path: String) throws -> String {
        let key = try KeyFileWriter.readTrimmed(path)
        guard CurveKeyPair.isValid(key) else {
            throw TransportError(.security, "\(path) does not hold a CURVE secret key (40 Z85 characters; see gatehouse keygen)")
        }
        return key
    }

    /// Public keys from `location`: a literal Z85 key, a `.pub` file, or a directory whose `*.pub` files are read.
    public static func readPublicKeys(at location: String) throws -> [String] {
        if CurveKeyPair.isValid(location) { return [location] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) else {
            throw TransportError(.security, "\(location) does not exist (expected a .pub file or a directory of them)")
        }
        let files: [String]
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: location)
            files = names.filter { $0.hasSuffix(".pub") }.sorted().map { location + "/" + $0 }
        } else {
            files = [location]
        }
        return try files.map { file in
            let key = try KeyFileWriter.readTrimmed(file)
            guard CurveKeyPair.isValid(key) else {
                throw TransportError(.security, "\(file) does not hold a CURVE public key (40 Z85 characters)")
            }
            return key
        }
    }
}

/// Writes and reads the small text files keys live in.
public enum KeyFileWriter {
    /// `NAME.key` (0600, never overwritten) and `NAME.pub` (0644) in `directory` (created 0700 if missing).
    public static func write(directory: String, name: String, secret: String, public publicKey: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }),
            !name.hasPrefix(".")
        else {
            throw TransportError(.security, "key name \(name.debugDescription) must be letters, digits, '-', '_' or '.'")
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secretPath = directory + "/" + name + ".key"
        guard !FileManager.default.fileExists(atPath: secretPath) else {
            throw TransportError(.security, "\(secretPath) exists already; remove it first to replace the key")
        }
        guard FileManager.default.createFile(
            atPath: secretPath, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw TransportError(.security, "cannot write \(secretPath)") }
        let publicPath = directory + "/" + name + ".pub"
        guard FileManager.default.createFile(
            atPath: publicPath, contents: Data((publicKey + "\n").utf8), attributes: [.posixPermissions: 0o644])
        else { throw TransportError(.security, "cannot write \(publicPath)") }
    }

    public static func readTrimmed(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TransportError(.security, "cannot read \(path); check the path and its permissions")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
