import CareplanCore

extension AuditEntry {
    /// The entry's detail without the digests of the records it wrote (`; content sha256 …`) or the records it
    /// took out (`; removed rows …`): what it says in words.
    public var said: String {
        (detail.components(separatedBy: "; content sha256 ").first ?? detail).components(separatedBy: "; removed rows ").first ?? detail
    }
}
