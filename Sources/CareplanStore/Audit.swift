import CareplanCore
import Crypto
import Foundation

extension CareStore {
    /// The audit trail: append-only (triggers refuse UPDATE and DELETE), and each entry carries the hash of
    /// the one before, so an entry changed, removed or inserted behind careplan's back breaks the chain.
    static func registerAuditMigration(_ m: inout Migrator) {
        m.registerMigration("v4: audit trail") { db in
            try db.execute(sql: db.dialect.ddl("""
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    action TEXT NOT NULL,
                    patient_id INTEGER,
                    assessment_id INTEGER,
                    detail TEXT NOT NULL DEFAULT '',
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_log_patient ON audit_log(patient_id, id);
                """))
            for name in db.dialect.auditGuards.keys.sorted() { try db.execute(sql: db.dialect.auditGuards[name]!) }
        }
    }

    /// From v7 the chain is keyed (HMAC-SHA256, key outside the store) from a marker entry on; the entries
    /// before it keep the unkeyed SHA-256 chain of earlier versions, and the marker's MAC covers their head.
    /// Kiosk codes issued before were stored as plain SHA-256 and cannot be re-keyed: they are withdrawn.
    static func registerKeyedAuditMigration(_ m: inout Migrator) {
        m.registerMigration("v7: keyed audit trail and kiosk codes") { db in
            // Run again on a store whose record of this step was removed (by hand, or by tampering), it finds its
            // index made and the codes already keyed: it leaves them, rather than failing or withdrawing live codes.
            guard try !db.indexExists("audit_log_keyed") else { return }
            try db.execute(sql: db.dialect.ddl("CREATE INDEX audit_log_keyed ON audit_log(id) WHERE action = '\(keyedMarker)'"))
            try db.execute(sql: "DELETE FROM kiosk_code")
        }
    }

    /// The action of the entry from which the chain is keyed.
    static let keyedMarker = "keyed the audit trail"
    static let genesisHash = String(repeating: "0", count: 64)

    static func auditText(previous: String, at: String, user: String, action: String, patientId: Int64?, assessmentId: Int64?, detail: String) -> String {
        let fields = [previous, at, user, action, patientId.map(String.init) ?? "", assessmentId.map(String.init) ?? "", detail]
        // Length-prefixed, so no choice of field values can make two different entries hash alike.
        return fields.map { "\($0.utf8.count):\($0)" }.joined()
    }

    /// The chain before schema step v7: plain SHA-256, which anyone can recompute.
    static func unkeyedHash(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).hex }

    static func text(of e: AuditEntry) -> String {
        auditText(previous: e.previousHash, at: e.at, user: e.user, action: e.action, patientId: e.patientId, assessmentId: e.assessmentId, detail: e.detail)
    }

    /// UTC, to the millisecond; stored as text so the hash covers exactly what is stored.
    static func auditTime(_ d: Date) -> String { d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    /// Appends an entry inside the caller's transaction, so the record and its audit entry commit together.
    /// The MAC comes from the transaction's keeper (`db.keeper`, holding the store's key), so every caller
    /// keys its entries without passing the key around; the first keyed entry is the marker. The entry's id is
    /// the newest one's plus one, read under the write lock: numbered without gaps on every engine (a
    /// PostgreSQL sequence skips the numbers of rolled-back inserts), and the chain cannot fork.
    static func audit(_ db: Database, user: String, action: String, patientId: Int64? = nil, assessmentId: Int64? = nil,
                      detail: String = "", at now: Date) throws {
        if action != keyedMarker, try Int.fetchOne(db, sql: "SELECT 1 FROM audit_log WHERE action = '\(keyedMarker)' LIMIT 1") == nil {
            let earlier = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0
            try audit(db, user: "careplan", action: keyedMarker, detail: earlier == 0 ? "" : "entries 1-\(earlier) were chained without a key by an earlier careplan", at: now)
        }
        var patient = patientId
        if patient == nil, let a = assessmentId {
            patient = try Int64.fetchOne(db, sql: "SELECT patient_id FROM assessment WHERE id = ?", arguments: [a])
        }
        let head = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        let previous: String = head?["hash"] ?? genesisHash
        let id: Int64 = (head?["id"] ?? 0) + 1
        let at = auditTime(now)
        let who = TextCleaner.field(user, maxLength: Limits.personName)
        // Written while the test clock is moved: said, whatever the entry.
        let detail = db.keeper.testClock.withLock { $0 }.map { detail + testClockMark + $0 } ?? detail
        let text = auditText(previous: previous, at: at, user: who, action: action, patientId: patient, assessmentId: assessmentId, detail: detail)
        let mac = try db.keeper.mac(Data(text.utf8))
        try db.execute(sql: """
            INSERT INTO audit_log (id, at, "user", action, patient_id, assessment_id, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, at, who, action, patient, assessmentId, detail, previous, mac])
        // A rule or trigger put on the table behind careplan's back can swallow the row without an error: then the
        // write it records must not commit unaudited.
        guard db.changesCount == 1 else { throw StoreError.cannotWrite(auditTakesNoEntries) }
        db.keeper.appended.withLock { $0 = true }
    }

    static let auditTakesNoEntries = "the audit trail takes no entries (it was changed outside careplan: run `careplan audit --verify`), "
        + "and careplan writes nothing it cannot audit"

    /// Records that someone looked at a record (opening a patient or an assessment).
    public func recordView(user: String, patientId: Int64?, assessmentId: Int64?, now: Date) throws {
        try write { db in try Self.audit(db, user: user, action: "viewed", patientId: patientId, assessmentId: assessmentId, at: now) }
    }

    /// Records that someone printed or saw a list of patients (the whole register, `careplan list`: every name
    /// and NHS number; the reviews due): "listed all patients", "listed reviews due".
    public func recordListing(user: String, listed: String, patients: Int, now: Date) throws {
        try write { db in try Self.audit(db, user: user, action: "listed \(listed)", detail: "\(patients) patients", at: now) }
    }

    public func recordRefusal(user: String, refused: String, now: Date) throws {
        try write { db in try Self.audit(db, user: user, action: "refused", detail: TextCleaner.singleLine(refused), at: now) }
    }

    /// The trail, oldest first; for one patient when given.
    public func auditTrail(patientId: Int64?) throws -> [AuditEntry] {
        try read { db in
            let rows = patientId == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE patient_id = ? ORDER BY id", arguments: [patientId])
            return rows.map(Self.auditEntry)
        }
    }

    /// How many entries, from the first, were written by an earlier careplan with the unkeyed chain.
    public func unkeyedAuditEntries() throws -> Int {
        try read { db in
            let marker = try Int.fetchOne(db, sql: "SELECT id FROM audit_log WHERE action = '\(Self.keyedMarker)' ORDER BY id LIMIT 1")
            return try marker.map { $0 - 1 } ?? Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log") ?? 0
        }
    }

    /// The guarding triggers that are missing or not as careplan wrote them, and the other triggers on the trail
    /// (one added behind careplan's back could change what is appended).
    func auditTriggerChanges(_ db: Database) throws -> (guards: [String], unknown: [String]) {
        let present = try db.dialect.auditTriggers(db)
        let made = db.dialect.auditGuardDefinitions
        return (made.filter { present[$0.key] != $0.value }.map(\.key).sorted(), present.keys.filter { made[$0] == nil }.sorted())
    }

    /// The action of the entry that says the guards were found tampered with and put right.
    static let restoredGuards = "restored the audit trail's guards"

    /// What was put right, for the restoring entry's detail (earlier careplans named the guards bare).
    static func triggerFindings(guards: [String], unknown: [String]) -> [String] {
        guards.map { "guard \($0) restored" } + unknown.map { "unknown trigger \($0) removed" }
    }

    /// On opening: puts back missing guards (and says so), loads the key, keys the trail from here if it is
    /// not yet (saying what that means for the entries before), and anchors it. Returns what to tell the user.
    func openAuditTrail() throws -> [String] {
        var notes: [String] = []
        let (marker, triggers) = try read { db in
            (try Int64.fetchOne(db, sql: "SELECT id FROM audit_log WHERE action = '\(Self.keyedMarker)' ORDER BY id LIMIT 1"),
             try auditTriggerChanges(db))
        }
        let rewrites = try read { db in try db.dialect.auditRewrites(db) }
        if let warning = try auditKeeper.load(mayCreate: marker == nil) { notes.append(warning) }
        if let marker, let last = try read({ db in try Row.fetchOne(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").map(Self.auditEntry) }),
           last.id >= marker, try auditKeeper.mac(Data(Self.text(of: last).utf8)) != last.hash {
            // Entries keyed with another key would break the chain for good: nothing is written until it is sorted out.
            let why = "the newest audit entry does not match the audit key \(auditKeeper.keyPath ?? ""), so careplan writes nothing to this "
                + "store: put this store's key there (or set CAREPLAN_AUDIT_KEY to it); if it is the right key, the trail was changed: "
                + "run `careplan audit --verify`"
            wrongKey.withLock { $0 = why }
            notes.append(why)
        }
        guard writesRefused == nil else { return notes }
        try? keepUndigestedRows()
        if !triggers.guards.isEmpty || !triggers.unknown.isEmpty || !rewrites.isEmpty {
            // Put right and recorded in the trail itself, so `audit --verify` reports it in every later run.
            let restored = (try? write { db -> Void in
                for name in triggers.guards + triggers.unknown { try db.execute(sql: db.dialect.dropAuditTrigger(name)) }
                for name in triggers.guards { try db.execute(sql: db.dialect.auditGuards[name]!) }
                for undo in rewrites.values { try db.execute(sql: undo) }
                let findings = Self.triggerFindings(guards: triggers.guards, unknown: triggers.unknown) + rewrites.keys.sorted().map { "\($0) removed" }
                try Self.audit(db, user: "careplan", action: Self.restoredGuards, detail: findings.joined(separator: ", "), at: Date())
            }) != nil
            var found: [String] = []
            if !triggers.guards.isEmpty {
                found.append("the audit trail's guards (\(triggers.guards.joined(separator: ", "))) were missing or changed")
            }
            if !triggers.unknown.isEmpty {
                found.append("a trigger careplan does not know (\(triggers.unknown.joined(separator: ", "))) was on the audit trail")
            }
            if !rewrites.isEmpty {
                found.append("what careplan never puts on the audit trail (\(rewrites.keys.sorted().joined(separator: ", "))) was on it, and can swallow or hide entries")
            }
            notes.append(found.joined(separator: ", and ") + ", so the store was changed outside careplan; "
                         + (restored ? "the guards are as careplan made them again" : "this could not be put right now")
                         + ". Run `careplan audit --verify`")
        }
        if marker == nil {
            let earlier = try unkeyedAuditEntries()
            // Appending the marker keys the trail and writes the first anchor; a full disk leaves it for the next entry.
            try? write { db in
                try Self.audit(db, user: "careplan", action: Self.keyedMarker,
                               detail: earlier == 0 ? "" : "entries 1-\(earlier) were chained without a key by an earlier careplan", at: Date())
            }
            if earlier > 0 {
                notes.append("the audit trail is keyed from now on. Its \(earlier) earlier \(earlier == 1 ? "entry keeps" : "entries keep") the unkeyed chain of the careplan "
                             + "that wrote them: `careplan audit --verify` still checks them, but anyone who could write the store before "
                             + "today could have rewritten them")
            }
        }
        return notes
    }

    static func auditEntry(_ r: Row) -> AuditEntry {
        AuditEntry(id: r["id"], at: r["at"], user: r["user"], action: r["action"], patientId: r["patient_id"],
                   assessmentId: r["assessment_id"], detail: r["detail"], previousHash: r["previous_hash"], hash: r["hash"])
    }

    /// Moves the anchor outside the store on to the newest entry (perhaps another process's), after a write
    /// that appended one has committed.
    func anchorAuditHead() {
        guard auditKeeper.appended.withLock({ let was = $0; $0 = false; return was }) else { return }
        // A failure leaves the anchor behind, which verify tolerates; the entry itself is committed.
        try? read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1") else { return }
            try auditKeeper.advanceAnchor(to: row["id"], mac: row["hash"]) { entry in
                try? String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [entry])
            }
        }
    }

    /// Checks everything that can show the trail was changed: the guarding triggers, the numbering (entries
    /// are numbered without gaps), every link and hash or MAC, and the anchor kept outside the store.
    public func verifyAuditTrail() throws -> AuditVerification {
        if let damage = damage { return .broken(atEntry: nil, reason: damage) }
        let triggers = try read { db in try auditTriggerChanges(db) }
        if !triggers.guards.isEmpty || !triggers.unknown.isEmpty {
            let found = triggers.guards.map { "guard \($0) missing or changed" } + triggers.unknown.map { "unknown trigger \($0) added" }
            return .broken(atEntry: nil, reason: "its triggers were changed outside careplan (\(found.joined(separator: ", "))) and are not put right yet")
        }
        let rewrites = try read { db in try db.dialect.auditRewrites(db).keys.sorted() }
        if !rewrites.isEmpty {
            return .broken(atEntry: nil, reason: "its table was changed outside careplan (\(rewrites.joined(separator: ", ")) added: it can swallow or hide entries) "
                           + "and is not put right yet")
        }
        // The anchor first, then the trail in one read: the anchor is moved on only after its entry has committed,
        // so a trail read after it reaches it, however many processes are appending meanwhile.
        let anchorRead = Result { try auditKeeper.readAnchor() }
        let entries = try auditTrail()
        var previous = Self.genesisHash
        var keyed = false
        for (i, e) in entries.enumerated() {
            if e.id != Int64(i + 1) {
                return .broken(atEntry: Int64(i + 1), reason: "it is missing: entries are numbered without gaps, so it was removed")
            }
            if e.previousHash != previous {
                return .broken(atEntry: e.id, reason: "it does not follow the entry before it (one was removed or inserted)")
            }
            keyed = keyed || e.action == Self.keyedMarker
            let text = Self.text(of: e)
            if e.hash != (keyed ? try auditKeeper.mac(Data(text.utf8)) : Self.unkeyedHash(text)) {
                return .broken(atEntry: e.id, reason: keyed ? "its MAC does not match: it was changed or recomputed without the audit key (or \(auditKeeper.keyPath ?? "the key") is not this store's key)"
                                                         : "its content was changed after it was written")
            }
            previous = e.hash
        }
        if let anchorPath = auditKeeper.anchorPath {
            guard case .success(let anchor) = anchorRead else {
                return .broken(atEntry: nil, reason: "the anchor \(anchorPath) was not sealed with this store's audit key")
            }
            guard let anchor else {
                return .broken(atEntry: nil, reason: "there is no anchor for this store at \(anchorPath), so its newest entries could have been removed "
                               + "unnoticed (a store moved or restored to this path gets one with its next entry)")
            }
            // Read before the trail: an anchor behind it is normal (others appended since), one ahead of it is not.
            if anchor.entry > entries.count {
                return .broken(atEntry: Int64(entries.count + 1), reason: "it was removed: the anchor outside the store says the trail reached entry \(anchor.entry), "
                               + "and it stops at \(entries.count)")
            }
            if anchor.entry > 0, entries[Int(anchor.entry) - 1].hash != anchor.mac {
                return .broken(atEntry: anchor.entry, reason: "it is not the entry anchored outside the store: the trail was rewritten")
            }
        }
        // The trail intact, what it says was signed must be what the store holds.
        if let changed = try signedContentProblems().first {
            return .broken(atEntry: nil, reason: changed + ". The trail is intact; the document was changed outside careplan")
        }
        if let changed = try qofRecordProblems().first {
            return .broken(atEntry: nil, reason: changed + ". The trail is intact; the QOF records were changed outside careplan")
        }
        if let changed = try auditedRowProblems(AuditedTable.all.filter { $0.table != AuditedTable.qof.table }).first {
            return .broken(atEntry: nil, reason: changed.problem + ". The trail is intact; the \(changed.group) were changed outside careplan")
        }
        if let setting = try read({ db in try AuditedSetting.all.lazy.compactMap { try Self.settingProblem(db, $0, keeper: self.auditKeeper) }.first }) {
            return .broken(atEntry: nil, reason: setting)
        }
        // Guards found tampered with and put right stay a finding for good: the store was written outside careplan,
        // and whoever did it may have done more than the trail shows. Every such time is named, with its date.
        let restorations = entries.filter { $0.action == Self.restoredGuards }
        if !restorations.isEmpty {
            let times = restorations.map { "on \(Self.shownTime($0.at)) (entry \($0.id): \($0.detail))" }.joined(separator: "; ")
            return .broken(atEntry: nil, reason: "its triggers were changed outside careplan, found and put right when careplan next opened the store "
                           + "\(times). The \(entries.count) entries are otherwise intact, but something other than careplan wrote the store: "
                           + "find out who, and what else was changed")
        }
        return .intact(entries: entries.count)
    }

    /// `2026-11-23 09:41 UTC`, from an entry's stored time.
    static func shownTime(_ at: String) -> String {
        at.count >= 16 ? at.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC" : at
    }
}
