import ArgumentParser
import CareplanCore
import Foundation

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Show the audit trail (who opened, changed, exported or printed which record, and when), or check it.",
        discussion: """
            Each entry carries a MAC (HMAC-SHA256, with the audit key kept outside the store) of itself and the entry before. \
            --verify checks the guarding triggers, every link and MAC, and the anchor of the newest entry kept beside the key, \
            and names the first entry changed, removed or inserted.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this patient's entries.", valueName: "NHS number"))
    var patient: String?

    @Flag(name: .long, help: "Check the trail instead of listing entries; exits 1 if it is broken or cannot be trusted.")
    var verify = false

    func run() throws {
        // Verify reports a damaged store or another key as its finding; listing refuses them, as other commands do.
        let store = try options.openExistingStore(refusingUnwritable: !verify)
        if verify {
            switch try store.verifyAuditTrail() {
            case .intact(let n):
                print("The audit trail is intact: \(n) \(n == 1 ? "entry" : "entries"), each linked to the one before, up to its anchor outside the store.")
                let unkeyed = try store.unkeyedAuditEntries()
                if unkeyed > 0 {
                    let (which, they) = unkeyed == 1 ? ("Entry 1 was", "it is as it was") : ("Entries 1-\(unkeyed) were", "they are as they were")
                    print("\(which) written by an earlier careplan without a key: \(they) when this careplan first opened the store, "
                          + "but anyone who could write the store before then could have rewritten \(unkeyed == 1 ? "it" : "them").")
                }
            case .broken(let id, let reason):
                let where_ = id.map { "is broken at entry \($0)" } ?? "cannot be trusted"
                FileHandle.standardError.write(Data("The audit trail \(where_): \(reason).\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        let me = try options.signIn(store, try options.loadConfiguration(), toDo: .viewAudit)
        var patientId: Int64?
        if let patient {
            guard case .success(let nhs) = NHSNumber.parse(patient) else { throw CLIError("`\(patient)` is not a valid NHS number") }
            guard let p = try store.patient(nhsNumber: nhs) else { throw CLIError("no patient with NHS number \(nhs.formatted) in this store") }
            patientId = p.id
            // Who did what to one patient's record is itself patient data: recorded before it is shown.
            try store.recordView(user: me.name, patientId: p.id, assessmentId: nil)
        }
        let entries = try store.auditTrail(patientId: patientId)
        if entries.isEmpty { print("No audit entries" + (patient == nil ? "." : " for this patient.")); return }
        for e in entries {
            var record = e.patientId.map { "patient \($0)" } ?? ""
            if let a = e.assessmentId { record += (record.isEmpty ? "" : ", ") + "assessment \(a)" }
            print("\(e.at)  \(shown(e.user))  \(shown(e.action))" + (record.isEmpty ? "" : "  \(record)") + (e.detail.isEmpty ? "" : "  (\(shown(e.detail)))"))
        }
    }
}
