import CareplanCore
import Foundation

/// Any document as an HL7 FHIR R4 document Bundle: the Composition (typed with the template's SNOMED CT
/// document type where it has one) with a section per template section, each with its narrative; the
/// Patient (NHS number); Practitioners for who signed it (the attester) and who completed it (the template's
/// first person field, the author; one resource when they are the same user); a Condition from the fields that fill `Condition.*` (the diagnosis);
/// and one resource per row of a group that names one (a Procedure or MedicationStatement per treatment, a
/// ServiceRequest per referral), each listed in its section. Every reference is to a `urn:uuid:` fullUrl in
/// the Bundle, made from the document id and the resource's role, so a signed document exports identically.
enum DocumentFHIR {
    static let icd10 = "http://hl7.org/fhir/sid/icd-10"

    static func render(_ print: DocumentPrint) throws -> Data {
        let d = print.document, t = print.template, p = print.patient
        func uuid(_ role: String) -> String { "urn:uuid:" + DeterministicUUID.make("careplan/document/\(d.id)/\(role)") }
        func ref(_ url: String, _ display: String? = nil) -> [String: Any] {
            var r: [String: Any] = ["reference": url]
            if let display { r["display"] = display }
            return r
        }
        let stamp = FHIRRenderer.iso(print.isDraft ? (print.printedAt ?? d.updatedAt) : (d.signedAt ?? d.updatedAt))
        let patientURL = uuid("patient"), authorURL = uuid("author"), compositionURL = uuid("composition"), conditionURL = uuid("condition")
        let patientName = "\(p.givenName) \(p.familyName)"
        let authorName = d.status != .draft && !d.signedBy.isEmpty ? print.signerName : (d.createdBy.isEmpty ? "Unknown" : d.createdBy)
        var author: [String: Any] = ["resourceType": "Practitioner", "id": FHIRRenderer.idPart(authorURL), "name": [["text": authorName]]]
        if d.status != .draft && !d.signedRole.isEmpty { author["qualification"] = [["code": ["text": print.roleName]]] }
        // Who completed it is the Composition's author: the signer's resource when they are the same user.
        var completer: (url: String, name: String, resource: [String: Any]?)?
        if let field = t.sections.flatMap(\.fields).first(where: { $0.kind == .person }), case .person(let name, let staffId)? = d[field.id], !name.isEmpty {
            // The signer is kept by name (or by user name): one of the staff is the signer by user name or full name;
            // a name typed in (no staff id) by the name alone.
            let sameAsSigner = staffId.map { id in id == d.signedBy || print.staff.first { $0.userName == id }?.fullName == authorName } ?? (name == authorName)
            if d.status != .draft, !d.signedBy.isEmpty, sameAsSigner {
                completer = (authorURL, authorName, nil)
            } else {
                let url = uuid("completer")
                var r: [String: Any] = ["resourceType": "Practitioner", "id": FHIRRenderer.idPart(url), "name": [["text": name]]]
                if let role = print.staff.first(where: { $0.userName == staffId })?.roleName { r["qualification"] = [["code": ["text": role]]] }
                completer = (url, name, r)
            }
        }

        // The diagnosis, from the fields outside groups that fill Condition.*.
        func slotText(_ slot: FHIRSlot) -> [String] {
            t.sections.flatMap(\.fields).filter { $0.fhir == slot }.compactMap { f in print.text(f, in: d.values).map { (f.label, $0) } }
                .map { slot == .conditionNote ? "\($0.0): \($0.1)" : $0.1 }
        }
        var condition: [String: Any]?
        if let code = slotText(.conditionCode).first {
            var c: [String: Any] = [
                "resourceType": "Condition", "id": FHIRRenderer.idPart(conditionURL),
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                "verificationStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"]]],
                "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item",
                                          "display": "Problem List Item"]]]],
                "subject": ref(patientURL, patientName),
            ]
            var concept: [String: Any] = ["text": code]
            // The record's diagnosis code is ICD-10 (as COSD records it): coded only when it looks like one.
            if p.diagnosisCode.range(of: #"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"#, options: .regularExpression) != nil {
                concept["coding"] = [["system": icd10, "code": p.diagnosisCode]]
            }
            c["code"] = concept
            if let onset = t.sections.flatMap(\.fields).first(where: { $0.fhir == .conditionOnset }), case .date(let date)? = d[onset.id] {
                c["onsetDateTime"] = date.iso
            }
            if let stage = slotText(.conditionStage).first { c["stage"] = [["summary": ["text": stage]]] }
            let sites = slotText(.conditionBodySite)
            if !sites.isEmpty { c["bodySite"] = sites.map { ["text": $0] } }
            let notes = slotText(.conditionNote)
            if !notes.isEmpty { c["note"] = notes.map { ["text": $0] } }
            condition = c
        }

        // One resource per row of each group that names one, by section.
        var rowResources: [String: [(url: String, resource: [String: Any])]] = [:]
        for section in t.sections {
            for group in section.fields {
                guard case .group(let columns, let resource?) = group.kind else { continue }
                for row in d.rows(group.id) {
                    let url = uuid("\(group.id)/\(row.id ?? 0)")
                    func value(_ slot: FHIRSlot) -> FieldValue? { columns.first { $0.fhir == slot }.flatMap { row[$0.id] } }
                    func words(_ slot: FHIRSlot) -> String? {
                        columns.first { $0.fhir == slot }.flatMap { print.text($0, in: row.values) }
                    }
                    var r: [String: Any] = ["resourceType": resource.rawValue, "id": FHIRRenderer.idPart(url), "subject": ref(patientURL, patientName)]
                    switch resource {
                    case .procedure, .medicationStatement:
                        var concept: [String: Any] = ["text": words(.treatmentCode) ?? group.label]
                        if let codeField = columns.first(where: { $0.fhir == .treatmentCode }), let list = codeField.kind.codeList,
                           let system = print.codes.lists[list]?.system, case .codes(let codes)? = row[codeField.id] {
                            concept["coding"] = codes.map { ["system": system, "code": $0, "display": print.codes.lists[list]?.code($0)?.label ?? $0] }
                        }
                        var period: [String: Any] = [:]
                        let start: LocalDate? = if case .date(let d)? = value(.treatmentStart) { d } else { nil }
                        if let start { period["start"] = start.iso }
                        // FHIR (per-1) refuses an end before the start: one kept from before the date rules is left out.
                        if case .date(let end)? = value(.treatmentEnd), start.map({ end >= $0 }) ?? true { period["end"] = end.iso }
                        let ended = period["end"] != nil
                        if resource == .procedure {
                            r["status"] = ended ? "completed" : "in-progress"
                            r["code"] = concept
                            if !period.isEmpty { r["performedPeriod"] = period }
                        } else {
                            r["status"] = ended ? "completed" : "active"
                            r["medicationCodeableConcept"] = concept
                            if !period.isEmpty { r["effectivePeriod"] = period }
                        }
                        if condition != nil { r["reasonReference"] = [ref(conditionURL)] }
                        if let note = words(.treatmentNote) { r["note"] = [["text": note]] }
                    case .serviceRequest:
                        r["status"] = print.isDraft ? "draft" : "active"
                        r["intent"] = "order"
                        let service: ServiceDirectory.Service? = if case .service(let id)? = value(.serviceRequestService) { print.services.service(id) } else { nil }
                        r["code"] = ["text": service?.name ?? words(.serviceRequestService) ?? group.label]
                        if let service { r["performer"] = [["display": "\(service.name) (\(service.contact))"]] }
                        r["authoredOn"] = d.date.iso
                        r["requester"] = ref(authorURL, authorName)
                        if condition != nil { r["reasonReference"] = [ref(conditionURL)] }
                        if let note = words(.serviceRequestNote) { r["note"] = [["text": note]] }
                    }
                    rowResources[section.id, default: []].append((url, r))
                }
            }
        }

        // A section per template section: its narrative, and the resources made from it.
        var sections: [[String: Any]] = []
        for section in t.sections {
            var html: [String] = []
            for field in section.fields {
                if case .group(let columns, _) = field.kind {
                    let rows = d.rows(field.id).map { row in
                        "<li>" + columns.compactMap { c in print.text(c, in: row.values).map { "\(FHIRRenderer.xml(c.label)): \(FHIRRenderer.xml($0))" } }
                            .joined(separator: "; ") + "</li>"
                    }
                    html.append("<p><b>\(FHIRRenderer.xml(field.label))</b></p>" + (rows.isEmpty ? "<p>None recorded.</p>" : "<ul>\(rows.joined())</ul>"))
                } else if case .concerns(let list)? = d[field.id] {
                    // Each concern with its score, as the narrative of the section (a list, as the HNA prints them).
                    let items = list.map { "<li>\(FHIRRenderer.xml($0.shown))</li>" }.joined()
                    html.append("<p><b>\(FHIRRenderer.xml(field.label))</b></p>" + (list.isEmpty ? "<p>None recorded.</p>" : "<ul>\(items)</ul>"))
                } else {
                    let value = print.text(field, in: d.values).map(FHIRRenderer.xml) ?? "not recorded"
                    html.append("<p><b>\(FHIRRenderer.xml(field.label)):</b> \(value.replacingOccurrences(of: "\n", with: "<br/>"))</p>")
                }
            }
            var s: [String: Any] = [
                "title": section.title,
                "text": ["status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">\(html.joined())</div>"],
            ]
            var entries = (rowResources[section.id] ?? []).map { ref($0.url) }
            if condition != nil, section.fields.contains(where: { $0.fhir == .conditionCode }) { entries.insert(ref(conditionURL), at: 0) }
            if !entries.isEmpty { s["entry"] = entries }
            sections.append(s)
        }

        var type: [String: Any] = ["text": t.title]
        if let code = t.documentType { type["coding"] = [["system": code.system, "code": code.code, "display": code.display]] }
        var composition: [String: Any] = [
            "resourceType": "Composition", "id": FHIRRenderer.idPart(compositionURL),
            "identifier": ["system": "urn:ietf:rfc:3986", "value": uuid("composition-identifier")],
            "status": print.isDraft ? "preliminary" : "final",
            "type": type,
            "subject": ref(patientURL, patientName),
            "date": stamp,
            "author": [completer.map { ref($0.url, $0.name) } ?? ref(authorURL, authorName)],
            "title": "\(d.title), version \(d.version)" + (print.isDraft ? " (DRAFT)" : ""),
            "section": sections,
        ]
        if d.status != .draft, let signedAt = d.signedAt {
            composition["attester"] = [["mode": "legal", "time": FHIRRenderer.iso(signedAt), "party": ref(authorURL, authorName)]]
        }

        var entries: [[String: Any]] = [
            ["fullUrl": compositionURL, "resource": composition],
            ["fullUrl": patientURL, "resource": FHIRRenderer.patientResource(p, url: patientURL)],
            ["fullUrl": authorURL, "resource": author],
        ]
        if let completer, let resource = completer.resource { entries.append(["fullUrl": completer.url, "resource": resource]) }
        if let condition { entries.append(["fullUrl": conditionURL, "resource": condition]) }
        for section in t.sections { entries += (rowResources[section.id] ?? []).map { ["fullUrl": $0.url, "resource": $0.resource] } }
        return try FHIRRenderer.documentBundle(entries, timestamp: stamp)
    }
}
