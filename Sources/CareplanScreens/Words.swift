import CareplanCore

extension Session {
    /// Resources/wording.yaml, codelists.yaml and policy.yaml, as loaded at start-up.
    package var words: Wording { configuration.wording }
    package var codes: CodeLists { configuration.codes }
    package var policy: Policy { configuration.policy }
}
