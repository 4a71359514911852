import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Milliseconds from a monotonic clock (never jumps with the wall clock).
public func monotonicMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}
