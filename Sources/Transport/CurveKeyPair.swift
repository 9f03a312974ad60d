import CZeroMQ

/// CURVE key helpers. Keys are Z85 strings of 40 characters.
public enum CurveKeyPair {
    public static func generate() throws(TransportError) -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        defer { wipe(&secretKey) }
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw TransportError.fromZMQ("generating a CURVE key pair", code: .security)
        }
        return (string(publicKey), string(secretKey))
    }

    public static func publicKey(forSecretKey secretKey: String) throws(TransportError) -> String {
        try requireValid(secretKey, role: "secret key")
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else {
            throw TransportError.fromZMQ("deriving a CURVE public key", code: .security)
        }
        return string(publicKey)
    }

    /// True for a 40-character string that decodes as Z85 to 32 bytes.
    public static func isValid(_ key: String) -> Bool {
        guard key.utf8.count == 40 else { return false }
        var decoded = [UInt8](repeating: 0, count: 32)
        defer { wipe(&decoded) }
        return zmq_z85_decode(&decoded, key) != nil
    }

    /// The 32 bytes a Z85 public key stands for, written in lowercase hex: a fingerprint safe to type in a shell
    /// (Z85 uses `$ ! < & ^` and the like). Nil for an invalid key.
    public static func hexFingerprint(_ key: String) -> String? {
        guard key.utf8.count == 40 else { return nil }
        var decoded = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&decoded, key) != nil else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in decoded {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    static func requireValid(_ key: String, role: String) throws(TransportError) {
        guard isValid(key) else { throw TransportError(.security, "invalid CURVE \(role): expected 40 Z85 characters") }
    }

    /// Z85 text of a 32-byte binary key.
    static func z85(_ binaryKey: [UInt8]) -> String? {
        guard binaryKey.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, binaryKey, 32) != nil else { return nil }
        return string(text)
    }

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func wipe<T: FixedWidthInteger>(_ buffer: inout [T]) {
        for index in buffer.indices { buffer[index] = 0 }
    }
}
