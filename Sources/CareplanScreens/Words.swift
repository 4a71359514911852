import CareplanCore

extension Session {
    /// Resources/wording.yaml, codelists.yaml and policy.yaml, as loaded at start-up.
    var words: Wording { configuration.wording }
    var codes: CodeLists { configuration.codes }
    var policy: Policy { configuration.policy }
}
