import CareplanCore
import Foundation

/// The plan as an HL7 FHIR R4 document Bundle: Composition first, then Patient, the author, the
/// QuestionnaireResponse (checklist answers and scores), one Condition (category `health-concern`) per
/// discussed concern, the CarePlan (addresses those Conditions, one activity per agreed action, the notes)
/// and a Goal for "what matters to me" when it is recorded.
///
/// Every fullUrl is a `urn:uuid:` made deterministically (UUID version 5) from the assessment id and the
/// resource's role, and every reference points at one of them: a locked plan exports identically every time.
/// The Bundle's own identifier is made from its content (see `render`).
enum FHIRRenderer {
    /// `health-concern` is defined there (R4's own condition-category has only problem-list-item and
    /// encounter-diagnosis); UK Core has no category of its own for it.
    static let usCoreConditionCategorySystem = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"

    static func render(_ doc: PlanDocument) throws -> Data {
        let a = doc.assessment
        let p = doc.patient
        func uuid(_ role: String) -> String { "urn:uuid:" + DeterministicUUID.make("careplan/assessment/\(a.id)/\(role)") }
        func ref(_ url: String, _ display: String? = nil) -> [String: Any] {
            var r: [String: Any] = ["reference": url]
            if let display { r["display"] = display }
            return r
        }
        func text(_ s: String) -> [String: Any] { ["text": s] }
        // A locked plan is dated when it was agreed; a draft when it was printed (or last changed).
        let stamp: Date = doc.isDraft ? (doc.printedAt ?? a.updatedAt) : (a.agreedAt ?? a.updatedAt)
        let stampText = iso(stamp)

        let patientURL = uuid("patient")
        let authorURL = uuid("author")
        let compositionURL = uuid("composition")
        let responseURL = uuid("questionnaire-response")
        let carePlanURL = uuid("careplan")
        let goalURL = uuid("goal")
        let hasGoal = !a.whatMattersToMe.isEmpty
        let patientName = "\(p.givenName) \(p.familyName)"

        let patient = patientResource(p, url: patientURL)

        let authorName = a.isLocked && !a.agreedBy.isEmpty ? a.agreedBy : (a.createdBy.isEmpty ? "Unknown" : a.createdBy)
        var author: [String: Any] = ["resourceType": "Practitioner", "id": idPart(authorURL), "name": [["text": authorName]]]
        if a.isLocked, let role = doc.agreedRoleLabel { author["qualification"] = [["code": text(role)]] }

        // The checklist: a group per category, an item per concern with its 0-10 score.
        var groups: [[String: Any]] = []
        var byCategory: [(String, String, [[String: Any]])] = []
        for c in doc.assessment.prioritisedConcerns {
            let title = (doc.concerns.first { $0.key == c.key } ?? doc.information.first { $0.concern.key == c.key }?.concern)?.categoryTitle ?? c.categoryId
            var item: [String: Any] = ["linkId": "\(c.categoryId).\(c.key)", "text": c.label]
            if let score = c.score { item["answer"] = [["valueInteger": score]] }
            if let i = byCategory.firstIndex(where: { $0.0 == c.categoryId }) { byCategory[i].2.append(item) }
            else { byCategory.append((c.categoryId, title, [item])) }
        }
        for (id, title, items) in byCategory { groups.append(["linkId": id, "text": title, "item": items]) }
        if let distress = a.distressScore {
            groups.append(["linkId": "distress", "text": "Overall distress score over the past week (0 to 10)", "answer": [["valueInteger": distress]]])
        }
        var response: [String: Any] = [
            "resourceType": "QuestionnaireResponse", "id": idPart(responseURL),
            "questionnaire": "urn:careplan:questionnaire:\(a.catalogueId)|\(a.catalogueVersion)",
            "status": "completed",
            "subject": ref(patientURL, patientName),
            "authored": a.date.iso,
            "item": groups,
        ]
        switch a.completedBy {
        case .patient, .patientWithClinician: response["source"] = ref(patientURL, patientName)
        case .carer: response["source"] = ["display": doc.completedByLabel]
        }

        // A Condition per discussed concern.
        var conditions: [(url: String, label: String, resource: [String: Any])] = []
        for (i, d) in doc.discussed.enumerated() {
            let url = uuid("condition/\(d.concern.key)")
            var condition: [String: Any] = [
                "resourceType": "Condition", "id": idPart(url),
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                "category": [["coding": [["system": usCoreConditionCategorySystem, "code": "health-concern", "display": "Health Concern"]],
                              "text": "Health concern"]],
                "code": ["coding": [["system": "urn:careplan:catalogue:\(a.catalogueId)", "code": d.concern.key, "display": d.concern.label]],
                         "text": d.concern.label],
                "subject": ref(patientURL, patientName),
                "recordedDate": a.date.iso,
            ]
            if let score = d.concern.score {
                condition["severity"] = ["text": "Patient rating \(score) out of 10"]
            }
            condition["extension"] = [["url": "urn:careplan:priority", "valueInteger": i + 1]]
            conditions.append((url, d.concern.label, condition))
        }

        // The plan: the notes, one activity per agreed action.
        var activities: [[String: Any]] = []
        var notes: [[String: Any]] = []
        for d in doc.discussed + doc.information {
            if !d.note.isEmpty { notes.append(["text": "\(d.concern.label): \(d.note)"]) }
            let conditionURL = conditions.first { $0.url == uuid("condition/\(d.concern.key)") }?.url
            for action in d.actions {
                var detail: [String: Any] = [
                    "status": "not-started",
                    "description": action.what,
                    "code": text(d.concern.label),
                    "performer": [action.owner == .patient ? ref(patientURL, patientName) : ["display": action.who]],
                ]
                if let due = action.due { detail["scheduledPeriod"] = ["end": due.iso] }
                if let conditionURL { detail["reasonReference"] = [ref(conditionURL, d.concern.label)] }
                if hasGoal { detail["goal"] = [ref(goalURL)] }
                if let s = action.service { detail["location"] = ["display": "\(s.name) (\(s.contact))"] }
                activities.append(["detail": detail])
            }
        }
        var carePlan: [String: Any] = [
            "resourceType": "CarePlan", "id": idPart(carePlanURL),
            "identifier": [["system": "urn:careplan:plan", "value": "\(a.id)"]],
            "status": a.status == .inProgress ? "draft" : (a.status == .agreed ? "active" : "revoked"),
            "intent": "plan",
            "title": doc.title,
            "description": "Personalised care and support plan after a holistic needs assessment (\(doc.pathwayPointLabel.lowercased()))",
            "subject": ref(patientURL, patientName),
            "created": a.date.iso,
            "author": ref(authorURL, authorName),
            "supportingInfo": [ref(responseURL)],
            "period": (a.reviewDate.map { ["start": a.date.iso, "end": $0.iso] } ?? ["start": a.date.iso]),
        ]
        if !conditions.isEmpty { carePlan["addresses"] = conditions.map { ref($0.url, $0.label) } }
        if !activities.isEmpty { carePlan["activity"] = activities }
        if !notes.isEmpty { carePlan["note"] = notes }
        if hasGoal { carePlan["goal"] = [ref(goalURL)] }
        carePlan["extension"] = [["url": "urn:careplan:plan-version", "valueInteger": a.version]]

        let goal: [String: Any] = [
            "resourceType": "Goal", "id": idPart(goalURL),
            "lifecycleStatus": a.isLocked ? "active" : "proposed",
            "description": text(a.whatMattersToMe),
            "subject": ref(patientURL, patientName),
            "expressedBy": ref(patientURL, patientName),
            "note": [["text": "What matters to me"]],
        ]

        var sections: [[String: Any]] = [
            ["title": "About me", "code": text("About me"), "entry": [ref(patientURL)] + (hasGoal ? [ref(goalURL)] : [])],
            ["title": "My concerns", "entry": [ref(responseURL)] + conditions.map { ref($0.url) }],
            ["title": "What we discussed and agreed", "entry": [ref(carePlanURL)]],
        ]
        if !doc.signposted.isEmpty {
            let items = doc.signposted.map { "<li>\(xml($0.service.name)): \(xml($0.service.contact))</li>" }.joined()
            sections.append(["title": "Information and support",
                             "text": ["status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><ul>\(items)</ul></div>"]])
        }
        let composition: [String: Any] = [
            "resourceType": "Composition", "id": idPart(compositionURL),
            "identifier": ["system": "urn:ietf:rfc:3986", "value": uuid("composition-identifier")],
            "status": doc.isDraft ? "preliminary" : "final",
            "type": ["coding": [["system": "http://loinc.org", "code": "18776-5", "display": "Plan of care note"]], "text": doc.title],
            "subject": ref(patientURL, patientName),
            "date": stampText,
            "author": [ref(authorURL, authorName)],
            "title": "\(doc.title), version \(a.version)" + (doc.isDraft ? " (DRAFT)" : ""),
            "section": sections,
        ]

        var entries: [[String: Any]] = [
            ["fullUrl": compositionURL, "resource": composition],
            ["fullUrl": patientURL, "resource": patient],
            ["fullUrl": authorURL, "resource": author],
            ["fullUrl": responseURL, "resource": response],
        ]
        entries += conditions.map { ["fullUrl": $0.url, "resource": $0.resource] }
        entries.append(["fullUrl": carePlanURL, "resource": carePlan])
        if hasGoal { entries.append(["fullUrl": goalURL, "resource": goal]) }
        return try documentBundle(entries, timestamp: stampText)
    }

    /// The patient, identified by the NHS number.
    static func patientResource(_ p: Patient, url: String) -> [String: Any] {
        [
            "resourceType": "Patient", "id": idPart(url),
            "identifier": [["system": NHSNumber.fhirSystem, "value": p.nhsNumber.digits]],
            "name": [["use": "official", "family": p.familyName, "given": [p.givenName], "text": "\(p.givenName) \(p.familyName)"]],
            "birthDate": p.dateOfBirth.iso,
        ]
    }

    /// A document Bundle of `entries` (the Composition first), pretty JSON.
    static func documentBundle(_ entries: [[String: Any]], timestamp: String) throws -> Data {
        var bundle: [String: Any] = [
            "resourceType": "Bundle",
            "type": "document",
            "timestamp": timestamp,
            "entry": entries,
        ]
        // A document's identifier names its content: made from the content itself, so two exports of a draft
        // that changed in between (or was printed at another time) never share one, and a locked plan keeps
        // its identifier on every export.
        let content = try JSONSerialization.data(withJSONObject: bundle, options: [.sortedKeys, .withoutEscapingSlashes])
        let documentURL = "urn:uuid:" + DeterministicUUID.make("careplan/bundle/" + String(decoding: content, as: UTF8.self))
        bundle["id"] = idPart(documentURL)
        bundle["identifier"] = ["system": "urn:ietf:rfc:3986", "value": documentURL]
        var data = try JSONSerialization.data(withJSONObject: bundle, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    /// `urn:uuid:X` -> `X` (a resource's logical id).
    static func idPart(_ url: String) -> String { String(url.dropFirst("urn:uuid:".count)) }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// RFC 4122 version 5 (name-based, SHA-1) UUIDs in a careplan namespace: the same name gives the same UUID
/// on every machine, for ever.
enum DeterministicUUID {
    /// The RFC 4122 URL namespace; names are `careplan/assessment/<id>/<role>`, and `careplan/bundle/<content>`.
    static let namespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]

    static func make(_ name: String, namespace ns: [UInt8] = namespace) -> String {
        var hash = SHA1.digest(ns + Array(name.utf8))
        hash[6] = (hash[6] & 0x0F) | 0x50
        hash[8] = (hash[8] & 0x3F) | 0x80
        let hex = hash[0..<16].map { String(format: "%02x", $0) }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// SHA-1, only for name-based UUIDs (RFC 4122 requires it there; it protects nothing here).
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        var m = message
        let bitLength = UInt64(message.count) * 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in (0..<8).reversed() { m.append(UInt8((bitLength >> (UInt64(i) * 8)) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for i in 0..<16 {
                w[i] = UInt32(m[chunk + 4 * i]) << 24 | UInt32(m[chunk + 4 * i + 1]) << 16 | UInt32(m[chunk + 4 * i + 2]) << 8 | UInt32(m[chunk + 4 * i + 3])
            }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32)
                switch i {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A827999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1BBCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62C1D6)
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
        return h.flatMap { v in [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    }

    static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
