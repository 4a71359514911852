import CareplanCore
import CareplanStores
import Foundation
import RepositoryTestSupport
import XCTest

/// `careplan store copy` as an administrator runs it at a terminal: asked for the password, a bar while it
/// copies, the rows of each table and the copy's verified trail; the copy then opens and verifies on its own.
final class StoreCopyEndToEndTests: EndToEndCase {
    func testAnAdministratorCopiesTheStoreAndSeesTheBarTheTablesAndTheTrail() throws {
        _ = try cli(["seed", "--patients", "300"])
        let to = try freshStore("copy")
        let q = EndToEndCase.quote
        let reach = TestStore.environment.map { "\($0.key)=\(q($0.value)) " }.joined()
        try tmux.start(width: 240, height: 40, remainOnExit: true, command: "exec env \(reach)LANG=C.UTF-8 TERM=xterm-256color "
                       + "CAREPLAN_HOME=\(q(Paths.packageRoot.path)) \(q(Paths.careplan)) store copy \(q(store)) \(q(to)) --as \(StaffFixture.administrator)")
        try tmux.waitFor("Password for \(StaffFixture.administrator):")
        try tmux.type(StaffFixture.password)
        try tmux.keys("Enter")
        try tmux.waitFor("Audit trail intact:", timeout: 120)
        let screen = try tmux.screen()
        XCTAssertTrue(screen.contains("Copying the store [" + String(repeating: "#", count: 30) + "]"), screen)
        XCTAssertTrue(screen.contains("patient              300\n"), screen)
        XCTAssertTrue(screen.contains("Copied \(try StoreLocation.parse(store).redacted) to \(try StoreLocation.parse(to).redacted). "), screen)

        let verified = try signedIn(["audit", "--verify", "--store", to])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertTrue(verified.stdout.hasPrefix("The audit trail is intact"), verified.stdout)
        let copy = try StoreLocation.parse(to).openExisting()
        XCTAssertEqual(try copy.patientCount(), 300)
        XCTAssertEqual(try copy.auditTrail().suffix(2).map(\.action), ["copied the store", "copied from"])
    }
}
