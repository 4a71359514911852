import Foundation
import XCTest

/// Keys that arrive in one read (typing fast over ssh, a busy machine) must each still count.
final class FastTypingTests: EndToEndCase {
    func testTenTypedQuicklyIsStillTen() throws {
        let t = tmux!
        try launch()
        try addPatient(nhs: FictionalNHS.spaced(8), family: "Quick", given: "Alex")
        try startAssessment()
        try t.type("10")   // both digits in one write, so careplan reads them together
        try t.waitFor("“Breathing difficulties” rated 10")
    }
}
