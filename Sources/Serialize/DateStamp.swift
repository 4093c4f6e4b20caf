/// Formats record times as the reference's `cf:date`: UTC,
/// `%Y:%m:%dT%H:%M:%S` (colons between the date parts too).
///
/// Fix over the reference (defect O5): the date is computed per record from
/// the record header's `time_ns` (when the kernel made the record), not from
/// the time of the previous flush; the formatted second is cached, so
/// consecutive records of the same second cost one comparison.
struct DateStamp {
    private var cachedSecond: Int64 = .min
    private var cached: [UInt8] = []

    /// Appends the quoted date for `timeNs` (nanoseconds since the Unix epoch).
    mutating func append<Out: ByteSink>(timeNs: UInt64, to out: inout Out) {
        let second = Int64(timeNs / 1_000_000_000)
        if second != cachedSecond {
            cached = Self.format(second: second)
            cachedSecond = second
        }
        out.append(UInt8(ascii: "\""))
        out.appendBytes(cached)
        out.append(UInt8(ascii: "\""))
    }

    /// `YYYY:MM:DDTHH:MM:SS` for a count of seconds since 1970-01-01T00:00:00Z.
    static func format(second: Int64) -> [UInt8] {
        let days = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        let secs = second - days * 86_400
        let (y, m, d) = civil(daysSinceEpoch: days)
        var out: [UInt8] = []
        out.reserveCapacity(19)
        func two(_ v: Int64) {
            out.append(UInt8(truncatingIfNeeded: v / 10 % 10) + 48)
            out.append(UInt8(truncatingIfNeeded: v % 10) + 48)
        }
        let year = max(0, min(y, 9999))
        out.append(UInt8(truncatingIfNeeded: year / 1000) + 48)
        out.append(UInt8(truncatingIfNeeded: year / 100 % 10) + 48)
        two(year % 100)
        out.append(UInt8(ascii: ":"))
        two(m)
        out.append(UInt8(ascii: ":"))
        two(d)
        out.append(UInt8(ascii: "T"))
        two(secs / 3600)
        out.append(UInt8(ascii: ":"))
        two(secs / 60 % 60)
        out.append(UInt8(ascii: ":"))
        two(secs % 60)
        return out
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01, using the
    /// 400-year era decomposition (eras start on March 1st so that the leap
    /// day is the last day of the era's year).
    static func civil(daysSinceEpoch z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468  // days since 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097  // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365  // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  // [0, 365]
        let mp = (5 * doy + 2) / 153  // [0, 11], March = 0
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }
}
