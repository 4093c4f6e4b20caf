import Inspect
import Testing

@Test func inspectModuleLinks() {
    #expect(String(describing: Inspect.self) == "Inspect")
}
