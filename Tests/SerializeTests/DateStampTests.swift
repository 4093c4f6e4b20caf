import Testing
@testable import Serialize

/// Swift Testing suite (the rest uses XCTest): `cf:date` formatting over
/// edge dates, so that `swift test` also closes with a non-empty Swift
/// Testing summary.
@Suite struct DateStampTests {
    @Test(arguments: [
        (Int64(0), "1970:01:01T00:00:00"),
        (Int64(59), "1970:01:01T00:00:59"),
        (Int64(86_399), "1970:01:01T23:59:59"),
        (Int64(946_684_800), "2000:01:01T00:00:00"),
        (Int64(951_868_799), "2000:02:29T23:59:59"),
        (Int64(4_107_542_400), "2100:03:01T00:00:00"),
        (Int64(-1), "1969:12:31T23:59:59"),
    ])
    func formats(second: Int64, expected: String) {
        #expect(String(decoding: DateStamp.format(second: second), as: UTF8.self) == expected)
    }

    @Test func cachesPerSecondButFollowsRecordTime() {
        var stamp = DateStamp()
        var out: [UInt8] = []
        stamp.append(timeNs: 1_667_164_502_999_999_999, to: &out)
        stamp.append(timeNs: 1_667_164_503_000_000_000, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"2022:10:30T21:15:02\"\"2022:10:30T21:15:03\"")
    }
}
