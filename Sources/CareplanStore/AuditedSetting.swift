import CareplanCore
import Foundation

/// A store setting only an administrator changes, audited: obeyed only when the setting says on AND the last
/// audited change of it did (its entry keyed with this store's key), so a setting written into a copy of the store
/// behind careplan's back is not obeyed, and `audit --verify` says so.
struct AuditedSetting: Sendable {
    let name: String
    let onAction: String, offAction: String
    /// What the setting claims, for the finding ("operating-system accounts are trusted").
    let claim: String
    /// How an administrator sets it again.
    let command: String

    static let trustOSAccounts = AuditedSetting(name: "trust-operating-system-accounts", onAction: "trusted operating-system accounts",
                                                offAction: "stopped trusting operating-system accounts", claim: "operating-system accounts are trusted",
                                                command: "careplan users trust-os-accounts")
    /// A store for training and tests, where the test clock (`CareClock`) may be moved.
    static let training = AuditedSetting(name: "training-store", onAction: "marked the store a training store",
                                         offAction: "marked the store a live store", claim: "this is a training store", command: "careplan users training-store")
    static let all = [trustOSAccounts, training]
}

extension CareStore {
    static func settingIsOn(_ db: Database, _ setting: AuditedSetting, keeper: AuditKeeper) throws -> Bool {
        try settingValue(db, setting) && settingProblem(db, setting, keeper: keeper) == nil
    }

    static func settingValue(_ db: Database, _ setting: AuditedSetting) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [setting.name]) == "yes"
    }

    /// Why the setting in effect is not the last audited change of it, or nil.
    static func settingProblem(_ db: Database, _ setting: AuditedSetting, keeper: AuditKeeper) throws -> String? {
        guard try settingValue(db, setting) else { return nil }  // off is always safe
        let last = try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE action IN (?, ?) ORDER BY id DESC LIMIT 1",
                                    arguments: [setting.onAction, setting.offAction]).map(auditEntry)
        guard let last, last.action == setting.onAction, last.hash == (try keeper.mac(Data(text(of: last).utf8))) else {
            return "the store says \(setting.claim), but no administrator's audited change says so: "
                + "the setting was written outside careplan and is not obeyed (an administrator can set it again: \(setting.command))"
        }
        return nil
    }

    static func changeSetting(_ db: Database, _ setting: AuditedSetting, on: Bool, by actor: String, now: Date) throws {
        try requireAdministrator(db, actor)
        try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                       arguments: [setting.name, on ? "yes" : "no"])
        try audit(db, user: actor, action: on ? setting.onAction : setting.offAction, at: now)
    }

    // MARK: The test clock

    public func isTrainingStore() throws -> Bool {
        try read { db in try Self.settingIsOn(db, .training, keeper: auditKeeper) }
    }

    public func setTrainingStore(_ training: Bool, by actor: String, now: Date) throws {
        try write { db in try Self.changeSetting(db, .training, on: training, by: actor, now: now) }
        if !training { auditKeeper.testClock.withLock { $0 = nil } }
    }

    /// From now on on this connection, every audit entry says the clock is moved (`; test clock DATE`); refused
    /// unless an administrator marked the store a training store, so records are never dated by a moved clock in
    /// a store holding real care. The real clock (`clock.isMoved` false) is always accepted.
    public func useTestClock(_ clock: CareClock, now: Date) throws {
        guard clock.isMoved else { auditKeeper.testClock.withLock { $0 = nil }; return }
        guard try isTrainingStore() else {
            throw StoreError.refused("The test clock (\(CareClock.offsetVariable) or \(CareClock.dateVariable)) is refused on this store: it is not "
                                     + "marked as a training store. On a store for training or tests only, an administrator marks it: "
                                     + "careplan users training-store yes")
        }
        auditKeeper.testClock.withLock { $0 = clock.today(now).iso }
    }

    /// What an entry's detail ends with while the test clock is moved.
    static let testClockMark = "; test clock "
}

extension CareStore {
    /// A record of care cannot be dated after the real today, whatever the test clock says: `now` is the real
    /// clock the caller gives (the audit trail's), the care clock's dates are checked against it.
    static func requireNotFuture(_ date: LocalDate, now: Date, _ what: String) throws {
        if date > LocalDate(now) { throw StoreError.refused("Not recorded: \(what) \(date.display) is after today (\(LocalDate(now).display))") }
    }

    static func requireNotFuture(_ time: Date, now: Date, _ what: String) throws {
        // A minute's grace: a form's time is taken a moment before the store's.
        if time > now.addingTimeInterval(60) { throw StoreError.refused("Not recorded: \(what) \(LocalDate(time).display) is after the time now") }
    }
}
