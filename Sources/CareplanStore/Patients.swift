import CareplanCore
import Foundation

extension CareStore {
    /// Keeps the patient's later name words in step with the names (after every insert or change of a name).
    static func indexNameWords(_ db: Database, patientId: Int64, familyName: String, givenName: String) throws {
        try db.execute(sql: "DELETE FROM patient_name_word WHERE patient_id = ?", arguments: [patientId])
        for word in Set(SearchKey.laterWords(familyName) + SearchKey.laterWords(givenName)) {
            try db.execute(sql: "INSERT INTO patient_name_word (word, patient_id) VALUES (?, ?)", arguments: [word, patientId])
        }
    }

    /// One row read, whatever the number of patients (schema step v8 keeps the tally).
    /// A team's patients are counted on the patient_team index.
    public func patientCount(teams: Set<Int64>?) throws -> Int {
        try read { db in
            guard let teams else { return try Int.fetchOne(db, sql: "SELECT n FROM patient_tally") ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM patient WHERE team_id IN (\(databaseQuestionMarks(count: teams.count)))",
                                    arguments: StatementArguments(Array(teams))) ?? 0
        }
    }

    public func addPatient(_ p: Patient, by user: String, now: Date) throws -> Patient {
        try write { db in
            try Self.requireTeams(db, Set([p.teamId].compactMap { $0 }))
            if let other = try Row.fetchOne(db, sql: "SELECT family_name, given_name FROM patient WHERE nhs_number = ?", arguments: [p.nhsNumber.digits]) {
                throw StoreError.duplicateNHSNumber(existing: "\((other["family_name"] as String).uppercased()), \(other["given_name"] as String)")
            }
            try db.execute(sql: """
                INSERT INTO patient (nhs_number, family_name, given_name, family_key, given_key, date_of_birth,
                                     diagnosis, diagnosis_code, diagnosis_date, team_id, revision, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """, arguments: [p.nhsNumber.digits, p.familyName, p.givenName, SearchKey.of(p.familyName), SearchKey.of(p.givenName),
                                 p.dateOfBirth.iso, p.diagnosis, p.diagnosisCode, p.diagnosisDate?.iso, p.teamId, now, now])
            var saved = p
            saved.id = try db.lastInsertedRowID
            saved.revision = 0
            try Self.indexNameWords(db, patientId: db.lastInsertedRowID, familyName: p.familyName, givenName: p.givenName)
            try Self.audit(db, user: user, action: "added patient", patientId: saved.id, at: now)
            return saved
        }
    }

    /// Saves edits to a patient read at `p.revision`; refuses if another terminal saved in between.
    public func updatePatient(_ p: Patient, by user: String, now: Date) throws -> Patient {
        guard let id = p.id else { throw StoreError.notFound("The patient") }
        return try write { db in
            try Self.requireTeams(db, Set([p.teamId].compactMap { $0 }))
            if let other = try Row.fetchOne(db, sql: "SELECT family_name, given_name FROM patient WHERE nhs_number = ? AND id != ?",
                                            arguments: [p.nhsNumber.digits, id]) {
                throw StoreError.duplicateNHSNumber(existing: "\((other["family_name"] as String).uppercased()), \(other["given_name"] as String)")
            }
            try db.execute(sql: """
                UPDATE patient SET nhs_number = ?, family_name = ?, given_name = ?, family_key = ?, given_key = ?,
                    date_of_birth = ?, diagnosis = ?, diagnosis_code = ?, diagnosis_date = ?, team_id = ?, revision = revision + 1, updated_at = ?
                WHERE id = ? AND revision = ?
                """, arguments: [p.nhsNumber.digits, p.familyName, p.givenName, SearchKey.of(p.familyName), SearchKey.of(p.givenName),
                                 p.dateOfBirth.iso, p.diagnosis, p.diagnosisCode, p.diagnosisDate?.iso, p.teamId, now, id, p.revision])
            if db.changesCount == 0 {
                if try Int.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [id]) == nil { throw StoreError.notFound("The patient") }
                throw StoreError.conflict("This patient's details")
            }
            try Self.indexNameWords(db, patientId: id, familyName: p.familyName, givenName: p.givenName)
            var saved = p
            saved.revision += 1
            try Self.audit(db, user: user, action: "changed", patientId: id, detail: "patient details", at: now)
            return saved
        }
    }

    public func patient(id: Int64) throws -> Patient? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id]).map(Self.patient) }
    }

    public func patient(nhsNumber: NHSNumber) throws -> Patient? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE nhs_number = ?", arguments: [nhsNumber.digits]).map(Self.patient) }
    }

    static func patient(_ r: Row) -> Patient {
        Patient(id: r["id"], nhsNumber: NHSNumber(r["nhs_number"] as String)!, familyName: r["family_name"], givenName: r["given_name"],
                dateOfBirth: LocalDate(iso: r["date_of_birth"])!, diagnosis: r["diagnosis"], diagnosisCode: r["diagnosis_code"],
                diagnosisDate: (r["diagnosis_date"] as String?).flatMap { LocalDate(iso: $0) }, revision: r["revision"], teamId: r["team_id"])
    }

    static let summarySelect = """
        SELECT p.*, a.id AS a_id, a.status AS a_status, a.date AS a_date FROM patient p
        LEFT JOIN assessment a ON a.id = (SELECT max(id) FROM assessment WHERE patient_id = p.id)
        """

    static func summary(_ r: Row) -> PatientSummary {
        PatientSummary(patient: patient(r), latestAssessmentId: r["a_id"],
                       latestStatus: (r["a_status"] as String?).flatMap(AssessmentStatus.init(rawValue:)),
                       latestDate: (r["a_date"] as String?).flatMap { LocalDate(iso: $0) })
    }

    /// Every patient, by name, with their latest assessment (`careplan list`).
    public func allPatients() throws -> [PatientSummary] {
        try read { db in try Row.fetchAll(db, sql: Self.summarySelect + " ORDER BY p.family_key, p.given_key, p.id").map(Self.summary) }
    }

    /// Find-as-you-type: digits search NHS numbers by prefix; a date finds dates of birth; words find
    /// names (every word must start the family or the given name, accents and case ignored).
    /// Each form is an index range scan, so it stays fast at 100,000 patients.
    public func searchPatients(_ query: String, teams: Set<Int64>?, limit: Int) throws -> [PatientSummary] {
        let q = TextCleaner.singleLine(query).trimmingSpaces()
        // Team ids are whole numbers, so written into the SQL: every form below keeps its own numbered arguments.
        let team = teams.map { " AND p.team_id IN (\(sqlIdList($0)))" } ?? ""
        if q.isEmpty {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " WHERE true\(team) ORDER BY p.updated_at DESC, p.id DESC LIMIT ?",
                                 arguments: [limit]).map(Self.summary)
            }
        }
        // A date first: `1960-02-29` is all digits once the dashes go, but no NHS number (3 3 4 digits) reads as a date.
        if case .success(let date) = LocalDate.parse(q) {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " WHERE p.date_of_birth = ?\(team) ORDER BY p.family_key, p.given_key LIMIT ?",
                                 arguments: [date.iso, limit]).map(Self.summary)
            }
        }
        let compact = q.filter { $0 != " " && $0 != "-" }
        if compact.allSatisfy({ $0.isASCII && $0.isNumber }) && compact.count <= 10 && !q.contains("/") {
            return try read { db in
                try Row.fetchAll(db, sql: Self.summarySelect + " WHERE p.nhs_number >= ? AND p.nhs_number < ?\(team) ORDER BY p.nhs_number LIMIT ?",
                                 arguments: [compact, compact + ":", limit]).map(Self.summary)  // ":" sorts just after "9"
            }
        }
        let words = SearchKey.of(q).split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init).filter { !$0.isEmpty }
        guard let first = words.first else { return [] }
        // Family-name matches first, then given-name matches, then later words of either name ("briain" in
        // "Ó Briain"): each an ordered scan of one index that stops at the limit, so no sort of thousands of rows
        // at 100,000 patients. Further words filter those rows.
        let end = engine.dialect.prefixEnd
        func prefix(_ column: String, _ n: Int) -> String { "(\(column) >= ?\(n) AND \(column) < ?\(n) || \(end))" }
        func anyName(_ n: Int) -> String {
            "(\(prefix("p.family_key", n)) OR \(prefix("p.given_key", n)) OR "
                + "EXISTS (SELECT 1 FROM patient_name_word w WHERE w.patient_id = p.id AND \(prefix("w.word", n))))"
        }
        var filters = team
        var args: [any SQLValueConvertible] = [first]
        for (i, w) in words.dropFirst().enumerated() {
            filters += " AND \(anyName(i + 2))"
            args.append(w)
        }
        let n = words.count + 1
        let byFamily = Self.summarySelect + " WHERE \(prefix("p.family_key", 1))\(filters) ORDER BY p.family_key, p.given_key, p.id LIMIT ?\(n)"
        let byGiven = Self.summarySelect + " WHERE \(prefix("p.given_key", 1)) AND NOT \(prefix("p.family_key", 1))\(filters) ORDER BY p.given_key, p.id LIMIT ?\(n)"
        let byLaterWord = Self.summarySelect + """
             JOIN patient_name_word w ON w.patient_id = p.id
             WHERE \(prefix("w.word", 1)) AND NOT \(prefix("p.family_key", 1)) AND NOT \(prefix("p.given_key", 1))\(filters)
             ORDER BY w.word, w.patient_id LIMIT ?\(n)
            """
        return try read { db in
            var found: [PatientSummary] = []
            for sql in [byFamily, byGiven, byLaterWord] where found.count < limit {
                found += try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args + [limit - found.count])).map(Self.summary)
            }
            // Two later words of one name can both match ("Ap Rhys Ap Rhys"): the patient once.
            var seen = Set<Int64>()
            return found.filter { seen.insert($0.patient.id ?? 0).inserted }
        }
    }
}
