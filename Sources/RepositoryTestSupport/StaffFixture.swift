import CareplanCore
import Foundation

/// The people of a test store: an administrator and a nurse, both with `password`. Tests act as them rather
/// than as a made-up name, as careplan itself now does.
public enum StaffFixture {
    public static let administrator = "admin"
    public static let nurse = "nurse"
    public static let password = "purple tractor rain"
    /// The policy's shipped minimum: the fixture's password meets it.
    public static let rules = PasswordRules(minimumLength: 10)
    public static let tries = RateLimit(freeTries: 5, window: 15 * 60, firstWait: 30, longestWait: 15 * 60)

    public static func newPassword(_ text: String = password, for userName: String = nurse) -> NewPassword {
        try! NewPassword.checked(text, userName: userName, rules: rules).get()
    }

    /// Adds the administrator (the store's first) and the nurse (`nurse` role, in no team).
    @discardableResult
    public static func addUsers(to store: any StaffRepository, now: Date = Date()) throws -> (administrator: StaffUser, nurse: StaffUser) {
        let admin = try store.addUser(NewStaffUser(userName: administrator, fullName: "Ada Admin", roleId: UserRole.administratorId),
                                      password: newPassword(for: administrator), by: nil, now: now)
        let nurse = try store.addUser(NewStaffUser(userName: nurse, fullName: "Nia Nurse", roleId: "nurse"),
                                      password: newPassword(), by: administrator, now: now)
        return (admin, nurse)
    }
}
