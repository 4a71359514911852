import Crypto
import CryptoExtras
import Foundation

/// Secrets a person types (the staff PIN, passwords) are kept only as a salted scrypt hash, written
/// `scrypt$rounds$block$parallelism$salt$hash`, so the parameters can grow without breaking older hashes.
enum SlowHash {
    /// About 50 ms and 16 MB per check on a ward PC, so guessing offline is slow.
    static let rounds = 16_384, blockSize = 8, parallelism = 1

    static func make(_ secret: String) throws -> String {
        var salt = Data(count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: .min ... .max, using: &generator) }
        let hash = try derive(secret, salt: salt, count: 32, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(rounds)$\(blockSize)$\(parallelism)$\(salt.base64EncodedString())$\(hash.base64EncodedString())"
    }

    /// Whether `secret` is the one `stored` was made from; nil when `stored` is not a hash this reads.
    static func matches(_ secret: String, _ stored: String) throws -> Bool? {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let block = Int(parts[2]), let par = Int(parts[3]),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]) else { return nil }
        let actual = try derive(secret, salt: salt, count: expected.count, rounds: rounds, blockSize: block, parallelism: par)
        // Compare every byte, so the time taken says nothing about how much of the secret was right.
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0 && actual.count == expected.count
    }

    /// A hash of random bytes nobody kept, checked against when a name does not exist, so that answering
    /// "no such user" takes as long as "wrong password" and the time does not tell names apart. Written out
    /// rather than made when first needed: making it would cost a second scrypt on the first unknown name of
    /// every process (every command-line sign-in), which the time would show.
    static let decoy = "scrypt$16384$8$1$4aOYlCVFjjenhjRFcGe66Q==$o4mQq+8EI3TYm+k1SkCWwI5nU4EixyxFn2BxLKKy078="

    private static func derive(_ secret: String, salt: Data, count: Int, rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Data(secret.utf8), salt: salt, outputByteCount: count,
                                           rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}
