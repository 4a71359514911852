import CareplanCore
import CareplanSQLite
import RepositoryTestSupport
import Foundation
import XCTest

/// Issue 14, done when: a colorectal patient is put on the example pathway from their End of Treatment
/// Summary; the schedule shows; time moves (the test clock) and the worklist shows the test due, then overdue;
/// a result above range is entered and comes up to review; the reviewer suspends the patient; a call is logged
/// and returned; at the end of the pathway the patient is discharged and the letter saved (pdftotext). No record
/// may be dated after the real today, so the story is set in the past: the summary signed five years and a month
/// ago, the clock moved back to each step (on a store marked for training, as the test clock needs).
final class FollowUpEndToEndTests: EndToEndCase {
    /// The test's account (a CNS) and Arthur, colorectal, with a signed EoTS planning supported self-management.
    func prepare() throws -> (patientId: Int64, eots: Document) {
        staffTheStore()
        let s = try CareStore(path: store)
        let now = Date()
        try s.setTrainingStore(true, by: StaffFixture.administrator, now: now)
        let summarised = LocalDate(now).adding(months: -61)
        let p = try s.addPatient(Patient(nhsNumber: NHSNumber("9434765919")!, familyName: "Okafor", givenName: "Arthur",
                                         dateOfBirth: LocalDate(year: 1958, month: 7, day: 14)!, diagnosis: "Colorectal", diagnosisCode: "C18.9",
                                         diagnosisDate: summarised.adding(days: -200)), by: "t", now: now)
        let eots = try Self.shippedTemplate("eots")
        var d = try s.createDocument(template: eots, patientId: p.id!, createdBy: "cns", now: now)
        for (f, v): (String, FieldValue) in [("treatment-aim", .codes(["curative"])), ("side-effects", .text("Loose stools")),
                                              ("red-flag-symptoms", .text("Bleeding, weight loss, abdominal pain")),
                                              ("contact-in-hours", .text("Colorectal CNS team 0113 000 0000")), ("contact-out-of-hours", .text("Acute oncology 0113 000 0001")),
                                              ("follow-up-pathway", .codes(["supported-self-management"])), ("follow-up-plan", .text("CEA 6-monthly, CT and colonoscopy at 1 year")),
                                              ("gp-actions", .text("None")), ("completed-by", .person(name: "Cara CNS", staffId: nil)),
                                              ("completed-date", .date(summarised))] {
            d = try s.apply(.setField(f, v), to: d, template: eots, by: "cns", now: now)
        }
        d = try s.apply(.saveRow(group: "treatments", DocumentRow(values: ["treatment-type": .codes(["01"]), "start-date": .date(summarised.adding(days: -120))])),
                        to: d, template: eots, by: "cns", now: now)
        let signed = try s.sign(documentId: d.id, revision: d.revision, template: eots, by: "cns", name: "Cara CNS", role: "clinical-nurse-specialist", now: now)
        return (p.id!, signed)
    }

    /// A template as shipped in Resources/documents, with the code lists, services and roles it names.
    static func shippedTemplate(_ id: String) throws -> DocumentTemplate {
        let root = Paths.packageRoot
        let file = root.appendingPathComponent("Resources/documents/\(id).yaml")
        let codes = try CodeLists.load(from: root.appendingPathComponent("Resources/codelists.yaml"), displayPath: "c",
                                       documentLists: DocumentTemplate.codeListsNamed(in: [file])).get()
        return try DocumentTemplate.load(from: file, displayPath: "\(id).yaml", context: .init(
            codes: codes, services: ServiceDirectory.load(from: root.appendingPathComponent("Resources/services.yaml"), displayPath: "s").get(),
            roles: Roles.load(from: root.appendingPathComponent("Resources/roles.yaml"), displayPath: "r").get())).get()
    }

    /// careplan in `folder` (where L saves), with the clock moved `days` on.
    func open(_ session: String, days: Int, in folder: URL) throws {
        try tmux.start(session, command: "cd \(Self.quote(folder.path)) && "
                       + careplanCommand(environment: days == 0 ? "" : "CAREPLAN_CLOCK_OFFSET_DAYS=\(days) "))
        try tmux.waitFor("careplan · Worklist", in: session)
    }

    /// Tab on the worklist until it shows only this kind (the QOF reviews due come first otherwise).
    func show(_ kind: String, in session: String) throws {
        for _ in 0..<12 where !(try tmux.screen(session)).contains("Showing: \(kind)") {
            try tmux.keys("Tab", to: session)
            Thread.sleep(forTimeInterval: 0.15)
        }
        try tmux.waitFor("Showing: \(kind)", in: session)
    }

    func testAColorectalPatientFollowedFromTheirEoTSToDischarge() throws {
        let (patientId, eots) = try prepare()
        let folder = URL(fileURLWithPath: store).deletingLastPathComponent().appendingPathComponent("letters")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let today = LocalDate(Date())
        let start = eots.date, cea = start.adding(months: 6)
        XCTAssertEqual(start, today.adding(months: -61))

        // Today: on the pathway from the summary, its date offered; the schedule shows.
        try open("s1", days: 0, in: folder)
        try tmux.keys("Escape", to: "s1")
        try tmux.waitFor("careplan · Patients", in: "s1")
        try tmux.type("Okafor", to: "s1")
        try tmux.keys("Enter", to: "s1")
        try tmux.waitFor("Patient record", in: "s1")
        try tmux.keys("f", to: "s1")
        try tmux.waitFor("offers Colorectal cancer after curative treatment from that date", in: "s1")
        try tmux.keys("p", to: "s1")
        var screen = try tmux.waitFor("Put on a follow-up pathway (from the End of Treatment Summary)", in: "s1")
        XCTAssertTrue(screen.contains("‹ Colorectal cancer after curative treatmen") && screen.contains(start.display), screen)
        try tmux.keys("C-s", to: "s1")
        screen = try tmux.waitFor("[Schedule 12]", in: "s1")
        XCTAssertTrue(screen.contains("\(cea.display) CEA blood test") && screen.contains("Colonoscopy"), screen)
        let enrolment = try XCTUnwrap(try CareStore(path: store).enrolments(patientId: patientId).first)
        XCTAssertEqual(enrolment.documentId, eots.id, "put on it from the summary")
        try tmux.keys("C-q", to: "s1")

        // Three days before the first CEA: due this week; five weeks after: overdue.
        try open("s2", days: cea.dayNumber - today.dayNumber - 3, in: folder)
        screen = try tmux.waitFor("Test due", in: "s2")
        XCTAssertTrue(screen.contains("TEST CLOCK") && screen.contains("CEA blood test") && screen.contains("OKAFOR, Arthur"), screen)
        try tmux.keys("C-q", to: "s2")
        try open("s3", days: cea.dayNumber - today.dayNumber + 35, in: folder)
        screen = try tmux.waitFor("Test overdue", in: "s3")
        XCTAssertTrue(screen.contains("Tests overdue 1"), screen)

        // The result, above the range: to review; the reviewer refers back to clinic and suspends.
        try show("Test overdue", in: "s3")
        try tmux.keys("Enter", to: "s3")
        try tmux.waitFor("OVERDUE since", in: "s3")
        try tmux.keys("e", to: "s3")
        try tmux.waitFor("CEA blood test: the result", in: "s3")
        try tmux.type("7.4", to: "s3")
        try tmux.keys("C-s", to: "s3")
        try tmux.waitFor("result 7.4 ug/L: TO REVIEW", in: "s3")
        try tmux.keys("Escape", to: "s3")
        try tmux.waitFor("Results 1", in: "s3")
        try show("Result to review", in: "s3")
        try tmux.keys("Enter", to: "s3")
        try tmux.waitFor("TO REVIEW (V)", in: "s3")
        try tmux.keys("v", "3", "C-s", to: "s3")               // no outcome is assumed: 3 refers back
        try tmux.waitFor("seen: refer back to clinic", in: "s3")
        try tmux.keys("u", to: "s3")
        try tmux.waitFor("Suspend remote follow-up", in: "s3")
        try tmux.type("Seen in clinic for the raised CEA", to: "s3")
        try tmux.keys("C-s", to: "s3")
        try tmux.waitFor("SUSPENDED: Seen in clinic", in: "s3")

        // A worried call with a red flag, logged and returned; then remote follow-up resumes.
        try tmux.keys("Tab", "c", "Tab", "Tab", to: "s3")
        try tmux.type("Bleeding since yesterday", to: "s3")
        try tmux.keys("Tab", "Right", "C-s", to: "s3")
        screen = try tmux.waitFor("NOT RETURNED", in: "s3")
        XCTAssertTrue(screen.contains("!!"), "a red flag marked: \(screen)")
        try tmux.keys("Enter", "Right", "C-s", to: "s3")
        try tmux.waitFor("urgent appointment", in: "s3")
        try tmux.keys("u", to: "s3")
        try tmux.waitFor("Resume remote follow-up", in: "s3")
        try tmux.keys("y", to: "s3")
        try tmux.waitFor("Colorectal cancer after curative treatment · active", in: "s3")
        try tmux.keys("C-q", to: "s3")
        let call = try XCTUnwrap(try CareStore(path: store).contacts(patientId: patientId).first)
        XCTAssertTrue(call.redFlag)
        XCTAssertEqual(call.response, .urgentAppointment)

        // The day after the pathway ends: discharge due; discharged, and the letter saved.
        try open("s4", days: enrolment.end.dayNumber - today.dayNumber + 1, in: folder)
        try tmux.waitFor("Discharges 1", in: "s4")
        try show("Discharge due", in: "s4")
        try tmux.keys("Enter", to: "s4")
        try tmux.waitFor("(ended: X discharges)", in: "s4")
        try tmux.keys("x", to: "s4")
        screen = try tmux.waitFor("Discharge from follow-up", in: "s4")
        XCTAssertTrue(screen.contains("‹ End of the pathway ›"), screen)
        try tmux.keys("C-s", to: "s4")
        // Asked first, with what is still open (the result referred back); a key sooner than a person reads is typing.
        try tmux.waitFor("y = discharge", in: "s4")
        usleep(700_000)                                          // the question's reading time is 0.5 s
        try tmux.keys("y", to: "s4")
        try tmux.waitFor("Discharged: G saves the discharge letter", in: "s4")
        try tmux.keys("g", to: "s4")
        try tmux.waitFor("Saved PDF, the discharge letter", in: "s4")
        let letters = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("discharge-Okafor-9434765919") }
        XCTAssertEqual(letters.count, 1, "\(letters)")
        let pdf = folder.appendingPathComponent(try XCTUnwrap(letters.first))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: pdf.path)[.posixPermissions] as? Int, 0o600)
        let text = try Shell.run("/usr/bin/env", ["pdftotext", "-layout", pdf.path, "-"], env: [:]).stdout
        for words in ["Discharge from follow-up", "Colorectal cancer after curative treatment", "the follow-up is complete", "7.4 ug/L", "For your GP",
                      "A copy of this letter goes to your GP"] {
            XCTAssertTrue(text.contains(words), "\(words) in \(text)")
        }
        if let keep = ProcessInfo.processInfo.environment["CAREPLAN_EXPORT_SAMPLES"] { try? FileManager.default.copyItem(atPath: pdf.path, toPath: keep + "/e2e-discharge.pdf") }
        try tmux.keys("C-q", to: "s4")
        let trail = try CareStore(path: store).auditTrail(patientId: patientId)
        XCTAssertTrue(trail.contains { $0.action == "exported follow-up letter" && $0.detail.hasPrefix("discharge letter as pdf") }, "\(trail.map(\.action))")
        XCTAssertEqual(try CareStore(path: store).enrolment(id: enrolment.id)?.status, .discharged)
    }
}
