import CareplanCore
import Foundation

extension CareStore {
    /// The seeder's patients in one transaction, through prepared statements: 100,000 in a few seconds.
    public func addFictionalPatients(_ seeder: Seeder, count: Int, createdBy: String, now: Date) throws -> Int {
        try write { db in
            let firstOffer = try Self.nextId(db, .hnaOffer)
            let existing = Set(try String.fetchAll(db, sql: "SELECT nhs_number FROM patient WHERE nhs_number LIKE '999%'"))
            let insertPatient = try db.cachedStatement(sql: """
                INSERT INTO patient (nhs_number, family_name, given_name, family_key, given_key, date_of_birth, diagnosis,
                                     diagnosis_code, diagnosis_date, revision, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """)
            let insertAssessment = try db.cachedStatement(sql: """
                INSERT INTO assessment (patient_id, pathway_point, completed_by, date, status, catalogue_id, catalogue_version,
                    distress_score, what_matters, review_date, agreed_by, agreed_role, agreed_at, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // Each assessment is an accepted HNA offer, as starting one records (role: the seeding user's, if staff).
            let seedRole = try String.fetchOne(db, sql: "SELECT role_id FROM staff_user WHERE user_name = ?", arguments: [createdBy])
            let insertOffer = try db.cachedStatement(sql: """
                INSERT INTO hna_offer (patient_id, date, pathway_point, outcome, assessment_id, offered_by, offered_role, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertConcern = try db.cachedStatement(sql: """
                INSERT INTO concern (assessment_id, key, category_id, label, score, rank, discuss, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertAction = try db.cachedStatement(sql: """
                INSERT INTO agreed_action (assessment_id, concern_key, what, owner, owner_name, due, service_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let added = try seeder.generate(count: count, skipping: existing) { f in
                let p = f.patient
                try insertPatient.execute(arguments: [p.nhsNumber.digits, p.familyName, p.givenName, SearchKey.of(p.familyName), SearchKey.of(p.givenName),
                                                      p.dateOfBirth.iso, p.diagnosis, p.diagnosisCode, p.diagnosisDate?.iso, now, now])
                let patientId = try db.lastInsertedRowID
                try Self.indexNameWords(db, patientId: patientId, familyName: p.familyName, givenName: p.givenName)
                guard let a = f.assessment else { return }
                try insertAssessment.execute(arguments: [
                    patientId, a.pathwayPoint.rawValue, a.completedBy.rawValue, a.date.iso,
                    (a.agreed ? AssessmentStatus.agreed : .inProgress).rawValue, seeder.catalogue.id, seeder.catalogue.version, a.distressScore,
                    a.whatMattersToMe, a.reviewDate?.iso, a.agreedBy, a.agreedRole?.rawValue, a.agreed ? now : nil, createdBy, now, now])
                let assessmentId = try db.lastInsertedRowID
                try insertOffer.execute(arguments: [patientId, a.date.iso, a.pathwayPoint.rawValue, HNAOfferOutcome.accepted.rawValue, assessmentId,
                                                     createdBy, seedRole, now])
                for c in a.concerns {
                    try insertConcern.execute(arguments: [assessmentId, c.key, c.categoryId, c.label, c.score, c.rank, c.discuss, c.note])
                }
                for x in a.actions {
                    try insertAction.execute(arguments: [assessmentId, x.concernKey, x.what, x.owner.rawValue, x.ownerName, x.due?.iso, x.serviceId])
                }
            }
            try Self.audit(db, user: createdBy, action: "seeded", detail: "\(added) fictional patients"
                           + ((try Self.seededRange(db, .hnaOffer, from: firstOffer)).map { Self.seededMark + $0 } ?? ""), at: now)
            return added
        }
    }
}
