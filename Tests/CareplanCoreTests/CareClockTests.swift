import XCTest
@testable import CareplanCore

/// The follow-up clock: real unless the environment moves it, and a value it cannot read refused.
final class CareClockTests: XCTestCase {
    let real = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23 (UTC noon)

    func testTheClockIsRealUnlessMovedAndAMovedOneIsSaid() throws {
        let wording = try Wording.load(from: TermsTests.resources.appendingPathComponent("wording.yaml"), displayPath: "w").get()
        let plain = try CareClock.from(environment: [:], real: real).get()
        XCTAssertEqual(plain, .real)
        XCTAssertNil(plain.notice(wording, real: real))
        XCTAssertEqual(plain.now(real), real)
        let on = try CareClock.from(environment: [CareClock.offsetVariable: "30"], real: real).get()
        XCTAssertEqual(on.today(real), LocalDate(real).adding(days: 30))
        XCTAssertEqual(on.now(real).timeIntervalSince(real), 30 * 86400, "the clock runs on, moved")
        XCTAssertEqual(on.notice(wording, real: real), "TEST CLOCK: today is \(LocalDate(real).adding(days: 30).display) (+30 days)")
        let date = try CareClock.from(environment: [CareClock.dateVariable: "2029-02-28"], real: real).get()
        XCTAssertEqual(date.today(real).iso, "2029-02-28")
        XCTAssertEqual(date.today(real.addingTimeInterval(86400)).iso, "2029-03-01", "from that day on")
        XCTAssertEqual(try CareClock.from(environment: [CareClock.offsetVariable: ""], real: real).get(), .real, "set empty: unset")
    }

    func testAValueItCannotReadIsRefused() {
        for env in [[CareClock.offsetVariable: "a month"], [CareClock.offsetVariable: "99999999"], [CareClock.dateVariable: "31/02/2027"],
                    [CareClock.offsetVariable: "3", CareClock.dateVariable: "2027-01-01"]] {
            guard case .failure(let p) = CareClock.from(environment: env, real: real) else { return XCTFail("\(env) accepted") }
            XCTAssertTrue(p.description.contains("CAREPLAN_CLOCK"), p.description)
        }
    }
}
