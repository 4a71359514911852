import Foundation

/// Everything read from `Screens/` and `Resources/` at start-up, checked as a whole.
public struct Configuration: Sendable {
    public var root: URL
    public var flows: [String: Flow]
    public var catalogues: [String: ConcernCatalogue]
    public var services: ServiceDirectory
    /// Resources/codelists.yaml, policy.yaml, wording.yaml and roles.yaml.
    public var codes: CodeLists
    public var policy: Policy
    public var wording: Wording
    public var roles: Roles
    /// The document templates of Resources/documents, by id.
    public var documents: [String: DocumentTemplate]
    /// Resources/qof.yaml and Resources/information/library.yaml (Cancer Care Reviews and wellbeing information).
    public var qof: QOFRules
    public var library: InformationLibrary
    /// The follow-up pathways of Resources/pathways, by id (issue 14).
    public var pathways: [String: Pathway] = [:]
    /// Resources/tumour-sites.yaml: how reports group patients by their ICD-10 diagnosis (issue 15).
    public var tumourSites = TumourSites(sites: [])

    public func catalogue(for flow: Flow) -> ConcernCatalogue { catalogues[flow.catalogue]! }

    /// Where `Screens/` and `Resources/` are: `CAREPLAN_HOME`, else the nearest folder above the executable
    /// (or the current folder) that has both, else /usr/share/careplan.
    public static func locateRoot(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String = CommandLine.arguments.first ?? "") -> URL? {
        let fm = FileManager.default
        func isRoot(_ u: URL) -> Bool {
            var dir: ObjCBool = false
            return fm.fileExists(atPath: u.appendingPathComponent("Screens").path, isDirectory: &dir) && dir.boolValue
                && fm.fileExists(atPath: u.appendingPathComponent("Resources").path, isDirectory: &dir) && dir.boolValue
        }
        if let home = environment["CAREPLAN_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        var starts: [URL] = []
        if !executable.isEmpty {
            let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            starts.append(exe.deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: fm.currentDirectoryPath))
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                if isRoot(dir) { return dir }
                let up = dir.deletingLastPathComponent()
                if up.path == dir.path { break }
                dir = up
            }
        }
        let system = URL(fileURLWithPath: "/usr/share/careplan")
        return isRoot(system) ? system : nil
    }

    /// Loads and cross-checks every flow, catalogue and the service directory, reporting all problems.
    /// `screenKinds`: the kinds of screen the application implements; `requiredFlows`: the flow files it opens by name.
    public static func load(root: URL, screenKinds: [ScreenKindSpec], requiredFlows: [String]) -> Result<Configuration, ConfigErrors> {
        let fm = FileManager.default
        var problems: [ConfigProblem] = []
        func yamlFiles(_ folder: String) -> [URL] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
        }
        func display(_ u: URL) -> String {
            u.path.hasPrefix(root.path + "/") ? String(u.path.dropFirst(root.path.count + 1)) : u.path
        }

        var catalogues: [String: ConcernCatalogue] = [:]
        let catalogueFiles = yamlFiles("Resources/catalogues")
        if catalogueFiles.isEmpty {
            problems.append(ConfigProblem(file: "Resources/catalogues", line: 0, column: 0, message: "no concerns catalogue found",
                                          fix: "add a catalogue file such as Resources/catalogues/ncat-hna.yaml"))
        }
        for url in catalogueFiles {
            switch ConcernCatalogue.load(from: url, displayPath: display(url)) {
            case .success(let c):
                if catalogues[c.id] != nil {
                    problems.append(ConfigProblem(file: display(url), line: 1, column: 1, message: "catalogue id `\(c.id)` is used by another file too",
                                                  fix: "give each catalogue its own id"))
                }
                catalogues[c.id] = c
            case .failure(let e): problems += e.problems
            }
        }

        var services = ServiceDirectory(services: [])
        let servicesURL = root.appendingPathComponent("Resources/services.yaml")
        switch ServiceDirectory.load(from: servicesURL, displayPath: display(servicesURL)) {
        case .success(let s): services = s
        case .failure(let e): problems += e.problems
        }
        let knownIds = Set(catalogues.values.flatMap { c in c.categories.map(\.id) + c.allItems.map(\.item.id) })
        if !catalogues.isEmpty {
            for s in services.services { for h in s.helpsWith where !knownIds.contains(h) {
                problems.append(ConfigProblem(file: display(servicesURL), line: 0, column: 0,
                                              message: "service `\(s.id)` helps-with `\(h)`, which is no category or item of any catalogue",
                                              fix: "use a category id (e.g. `emotional`) or an item id from Resources/catalogues"))
            } }
        }

        let (qof, library) = loadReviewsAndInformation(root: root, display: display, problems: &problems)
        let documentFiles = yamlFiles("Resources/documents")
        let documentLists = DocumentTemplate.codeListsNamed(in: documentFiles)
        let (codes, policy, wording, roles) = loadTerms(root: root, display: display, documentLists: documentLists, problems: &problems)
        var documents: [String: DocumentTemplate] = [:]
        if let codes, let roles {
            var context = DocumentTemplate.Context(codes: codes, services: services, roles: roles)
            context.catalogues = Set(catalogues.keys)
            // The latest edition's: an indicator a new edition drops can no longer be met by signing a document.
            context.qofIndicators = qof.map { Set($0.editions.last?.indicators.map(\.id) ?? []) }
            switch DocumentTemplate.loadAll(documentFiles, context: context, display: display) {
            case .success(let d): documents = d
            case .failure(let e): problems += e.problems
            }
        }

        var flows: [String: Flow] = [:]
        for url in yamlFiles("Screens") {
            switch Flow.load(from: url, displayPath: display(url), kinds: screenKinds) {
            case .success(let f):
                if catalogues[f.catalogue] == nil && !catalogues.isEmpty {
                    problems.append(ConfigProblem(file: display(url), line: 0, column: 0, message: "catalogue `\(f.catalogue)` does not exist",
                                                  fix: "use one of " + catalogues.keys.sorted().joined(separator: ", ")))
                }
                flows[f.id] = f
            case .failure(let e): problems += e.problems
            }
        }
        for name in requiredFlows.sorted() where flows[name] == nil && !problems.contains(where: { $0.file.contains("Screens/\(name)") }) {
            problems.append(ConfigProblem(file: "Screens/\(name).yaml", line: 0, column: 0, message: "the `\(name)` flow is missing",
                                          fix: "restore Screens/\(name).yaml"))
        }
        let pathways = loadPathways(root: root, files: yamlFiles("Resources/pathways"), display: display, problems: &problems)
        let sites = loadResource("tumour-sites.yaml", root: root, display: display, problems: &problems, TumourSites.load(from:displayPath:))
        guard problems.isEmpty, let sites, let codes, let policy, let wording, let roles, let qof, let library else { return .failure(ConfigErrors(problems)) }
        return .success(Configuration(root: root, flows: flows, catalogues: catalogues, services: services,
                                      codes: codes, policy: policy, wording: wording, roles: roles, documents: documents, qof: qof, library: library,
                                      pathways: pathways, tumourSites: sites))
    }
}

extension Configuration {
    /// One file of Resources/, its problems added to `problems` (nil then).
    static func loadResource<T>(_ name: String, root: URL, display: (URL) -> String, problems: inout [ConfigProblem],
                                _ load: (URL, String) -> Result<T, ConfigErrors>) -> T? {
        let url = root.appendingPathComponent("Resources/\(name)")
        switch load(url, display(url)) {
        case .success(let value): return value
        case .failure(let e): problems += e.problems; return nil
        }
    }

    /// The code lists, policy, wording and roles, each from its own file in Resources/. The code lists come back
    /// even with problems, so the document templates can still be checked against what they hold.
    static func loadTerms(root: URL, display: (URL) -> String, documentLists: Set<String>,
                          problems: inout [ConfigProblem]) -> (CodeLists?, Policy?, Wording?, Roles?) {
        func one<T>(_ name: String, _ load: (URL, String) -> Result<T, ConfigErrors>) -> T? {
            loadResource(name, root: root, display: display, problems: &problems, load)
        }
        let url = root.appendingPathComponent("Resources/codelists.yaml")
        let (codes, codeProblems) = CodeLists.loadKeepingProblems(from: url, displayPath: display(url), documentLists: documentLists)
        problems += codeProblems
        var policy = one("policy.yaml", Policy.load(from:displayPath:))
        if let common = one("common-passwords.txt", PasswordRules.loadCommon(from:displayPath:)) { policy?.passwords.common = common }
        return (codes, policy, one("wording.yaml", Wording.load(from:displayPath:)), one("roles.yaml", Roles.load(from:displayPath:)))
    }
}

extension Configuration {
    /// The QOF timing rules and the information library.
    static func loadReviewsAndInformation(root: URL, display: (URL) -> String, problems: inout [ConfigProblem]) -> (QOFRules?, InformationLibrary?) {
        (loadResource("qof.yaml", root: root, display: display, problems: &problems, QOFRules.load(from:displayPath:)),
         loadResource("information/library.yaml", root: root, display: display, problems: &problems, InformationLibrary.load(from:displayPath:)))
    }
}

extension Configuration {
    /// The follow-up pathways; a folder without any is no problem (a site may not run remote follow-up).
    static func loadPathways(root: URL, files: [URL], display: (URL) -> String, problems: inout [ConfigProblem]) -> [String: Pathway] {
        switch Pathway.loadAll(files, display: display) {
        case .success(let p): return p
        case .failure(let e): problems += e.problems; return [:]
        }
    }
}
