import XCTest

// (Issue 16 fills this target; the empty class keeps it buildable until then.)
final class CareplanStoresTestsPlaceholder: XCTestCase {}
