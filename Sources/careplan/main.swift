import ArgumentParser
import CareplanCore
import CursesBackend
import Foundation

struct Careplan: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "careplan",
        abstract: "Holistic needs assessment and personalised care and support planning, at the terminal.",
        discussion: "Without a subcommand, opens the clinician application on the store.",
        version: version,
        subcommands: [Clinician.self, Kiosk.self, Seed.self, List.self, Check.self, Export.self, Audit.self, Users.self, Teams.self, Results.self, COSD.self, ReportCommand.self,
                      StoreCommand.self],
        defaultSubcommand: Clinician.self
    )
}

// Patient files are for their owner only: everything this process creates is 0600 (folders 0700).
umask(0o077)
// And its memory is its own: no core dumps, no attaching (patient records are in it).
CursesTerminal.keepMemoryPrivate()
Careplan.main()
