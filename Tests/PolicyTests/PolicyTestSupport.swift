import TestSupport
@testable import Policy

extension FakeSecurityFS {
    /// A securityfs client of this tree.
    var fs: SecurityFS { SecurityFS(root: root) }
}
