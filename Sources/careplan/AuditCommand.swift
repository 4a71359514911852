import ArgumentParser
import CareplanCore
import Foundation

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",  // named, not derived from the type: that costs a runtime scan at every start
        abstract: "Show the audit trail (who opened, changed, exported or printed which record, and when), or check it.",
        discussion: "Each entry carries the hash of the one before: --verify recomputes the chain and names the first entry changed, removed or inserted.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this patient's entries.", valueName: "NHS number"))
    var patient: String?

    @Flag(name: .long, help: "Check the chain of hashes instead of listing entries; exits 1 if it is broken.")
    var verify = false

    func run() throws {
        let store = try options.openExistingStore()
        if verify {
            switch try store.verifyAuditTrail() {
            case .intact(let n):
                print("The audit trail is intact: \(n) entries, each linked to the one before.")
            case .broken(let id, let reason):
                FileHandle.standardError.write(Data("The audit trail is broken at entry \(id): \(reason).\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        var patientId: Int64?
        if let patient {
            guard case .success(let nhs) = NHSNumber.parse(patient) else { throw CLIError("`\(patient)` is not a valid NHS number") }
            guard let p = try store.patient(nhsNumber: nhs) else { throw CLIError("no patient with NHS number \(nhs.formatted) in this store") }
            patientId = p.id
        }
        let entries = try store.auditTrail(patientId: patientId)
        if entries.isEmpty { print("No audit entries" + (patient == nil ? "." : " for this patient.")); return }
        for e in entries {
            var record = e.patientId.map { "patient \($0)" } ?? ""
            if let a = e.assessmentId { record += (record.isEmpty ? "" : ", ") + "assessment \(a)" }
            print("\(e.at)  \(e.user)  \(e.action)" + (record.isEmpty ? "" : "  \(record)") + (e.detail.isEmpty ? "" : "  (\(e.detail))"))
        }
    }
}
