import Foundation

/// How big a reliability test run is, and where its randomness comes from: one definition for the test
/// targets that fuzz, crash, resize and race careplan (test targets cannot share files, so it is a library).
///
/// `CAREPLAN_RELIABILITY_SCALE` multiplies the amount of work (default 1, sized for CI);
/// `CAREPLAN_RELIABILITY_SEED` repeats a run exactly (every test prints the seed it used).
public enum Reliability {
    public static var scale: Double {
        guard let s = ProcessInfo.processInfo.environment["CAREPLAN_RELIABILITY_SCALE"], let v = Double(s), v > 0 else { return 1 }
        return v
    }

    /// `n` scaled, at least 1.
    public static func scaled(_ n: Int) -> Int { max(1, Int((Double(n) * scale).rounded())) }

    /// The seed from the environment, or a fresh one.
    public static func seed() -> UInt64 {
        if let s = ProcessInfo.processInfo.environment["CAREPLAN_RELIABILITY_SEED"], let v = UInt64(s) { return v }
        return UInt64.random(in: 1...UInt64(UInt32.max))
    }
}
