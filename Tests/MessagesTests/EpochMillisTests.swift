import Foundation
import Messages
import Testing

@Suite struct EpochMillisTests {
    let instant: EpochMillis = 1_700_000_000_123

    @Test func encodesAsTheBareInteger() throws {
        #expect(String(decoding: try JSONEncoder().encode(instant), as: UTF8.self) == "1700000000123")
        #expect(try JSONDecoder().decode(EpochMillis.self, from: Data("1700000000123".utf8)) == instant)
        struct Stamped: Codable, Equatable { var at: EpochMillis; var until: EpochMillis? }
        let stamped = Stamped(at: instant, until: nil)
        let json = String(decoding: try JSONEncoder().encode(stamped), as: UTF8.self)
        #expect(json == #"{"at":1700000000123}"#)
        #expect(try JSONDecoder().decode(Stamped.self, from: Data(json.utf8)) == stamped)
        // What older peers send is still read, and nothing but an integer is.
        #expect(try JSONDecoder().decode(Stamped.self, from: Data(#"{"at":-5,"until":7}"#.utf8)) == Stamped(at: -5, until: 7))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EpochMillis.self, from: Data(#""1700000000123""#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EpochMillis.self, from: Data("1.5".utf8)) }
    }

    @Test func wireMessagesCarryTheSameBytesAsBefore() throws {
        let frames = try WireCodec.encode(Heartbeat(senderId: "g", sentAt: instant))
        let body = String(decoding: frames[2], as: UTF8.self)
        #expect(body.contains(#""sentAt":1700000000123"#), "\(body)")
        #expect(try WireCodec.decode(Heartbeat.self, from: frames).sentAt == instant)
    }

    @Test func arithmeticKeepsInstantsAndDurationsApart() {
        let later: EpochMillis = instant + 60_000
        #expect(later.rawValue == 1_700_000_060_123)
        #expect(later - 60_000 == instant)
        let elapsed: Int64 = later - instant
        #expect(elapsed == 60_000)
        #expect(instant - later == -60_000)
        var moving = instant
        moving += 500
        #expect(moving == 1_700_000_000_623)
        moving -= 1_000
        #expect(moving == 1_699_999_999_623)
        // A literal next to an instant is a duration: `now - 60_000` is a minute ago, not a difference of instants.
        #expect(later - 60_000 - 0 == instant)
    }

    @Test func saturatingAdditionStopsAtTheEnds() {
        #expect(instant.adding(saturating: 1) == 1_700_000_000_124)
        #expect(instant.adding(saturating: -1) == 1_700_000_000_122)
        #expect(instant.adding(saturating: .max) == .max)
        #expect(EpochMillis(-10).adding(saturating: .min) == .min)
        #expect(EpochMillis.max.adding(saturating: 0) == .max)
    }

    @Test func ordersByTime() {
        let times: [EpochMillis] = [30, -5, 1_000, 0]
        #expect(times.sorted() == [-5, 0, 30, 1_000])
        #expect(times.max() == 1_000)
        #expect(EpochMillis.min < -5 && 1_000 < EpochMillis.max)
        #expect(max(instant, instant + 1) == instant + 1)
        #expect(!(instant < instant))
    }

    @Test func convertsToAndFromDates() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.1234)
        #expect(date.epochMillis == instant)
        #expect(Date(epochMillis: instant).epochMillis == instant)
        #expect(Date(epochMillis: instant).timeIntervalSince1970 == 1_700_000_000.123)
        #expect(Date(timeIntervalSince1970: 0).epochMillis == 0)
        #expect(Date(timeIntervalSince1970: -1.5).epochMillis == -1_500)
    }

    @Test func printsAndParsesAsTheInteger() {
        #expect("\(instant)" == "1700000000123")
        #expect(String(instant) == "1700000000123")
        #expect(EpochMillis("1700000000123") == instant)
        #expect(EpochMillis("-3") == -3)
        #expect(EpochMillis("12s") == nil)
        #expect(EpochMillis("") == nil)
    }
}
