import CareplanCore
import Foundation

/// Schema step v13-followup-fixes (issue 14 testers' findings): what follow-up's first version could not keep.
extension CareStore {
    static func registerFollowUpFixesMigration(_ m: inout Migrator) {
        m.registerMigration("v13-followup-fixes") { db in
            try db.execute(sql: db.dialect.ddl("""
                -- Suspended patients stay on the worklist ("resume or discharge?"): few, read through their own index.
                CREATE INDEX follow_up_enrolment_suspended ON follow_up_enrolment(id) WHERE status = 'suspended';
                -- A value below or above what the laboratory can measure ("<0.01", ">1000"): '<' or '>', else NULL.
                ALTER TABLE follow_up_result ADD COLUMN qualifier TEXT;
                -- A call answered by bringing a test forward: which test, and the day it moved to.
                ALTER TABLE follow_up_contact ADD COLUMN brought_forward_test_id INTEGER REFERENCES follow_up_test(id);
                ALTER TABLE follow_up_contact ADD COLUMN brought_forward_to TEXT;
                """))
        }
    }
}
