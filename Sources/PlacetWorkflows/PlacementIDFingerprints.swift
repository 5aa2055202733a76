// The placement ids a stream has shown, for duplicate detection in `check --stream`, kept as
// 64-bit fingerprints in open-addressing tables of 8-byte slots (10M ids take about 100 MB),
// where a `Set<String>` would take nearly three times that and rehash through both copies at once.
// That is the one part of a stream's memory that grows with the placements; the issue's
// bound (under 200 MB at 10M) leaves room for it, and detecting duplicates is worth it: `check`
// refuses a duplicate id, and two decisions for one id would let a consumer pick either.
// Two distinct ids with one fingerprint (odds about n²/2⁶⁵: 3 in a million at 10M ids) would
// make the second a false duplicate: an error, never an approval, so it fails closed.

struct PlacementIDFingerprints {
    /// 256 tables chosen by a fingerprint's top byte, each growing on its own, so growing copies
    /// 1/256 of the fingerprints at a time instead of holding two copies of all of them.
    private var tables: [Table] = Array(repeating: Table(), count: 256)
    private(set) var count = 0

    /// Adds the id; false when it was already there.
    mutating func insert(_ id: String) -> Bool {
        let fingerprint = Self.fingerprint(id)
        let added = tables[Int(fingerprint >> 56)].insert(fingerprint)
        if added { count += 1 }
        return added
    }

    /// Linear probing over 8-byte slots, at most 7/8 full, growing by a quarter at a time (so
    /// between 70 % and 87.5 % full: about 10 bytes an id); 0 marks an empty slot.
    private struct Table {
        var slots: [UInt64] = Array(repeating: 0, count: 64)
        var count = 0

        mutating func insert(_ fingerprint: UInt64) -> Bool {
            if (count + 1) * 8 > slots.count * 7 { grow() }
            // The top byte chose this table; the other bits, scaled to the table's size, pick the slot.
            var index = Int((fingerprint << 8).multipliedFullWidth(by: UInt64(slots.count)).high)
            while slots[index] != 0 {
                if slots[index] == fingerprint { return false }
                index = index + 1 == slots.count ? 0 : index + 1
            }
            slots[index] = fingerprint
            count += 1
            return true
        }

        private mutating func grow() {
            let old = slots
            slots = Array(repeating: 0, count: old.count + old.count / 4)
            count = 0
            for fingerprint in old where fingerprint != 0 { _ = insert(fingerprint) }
        }
    }

    /// FNV-1a over the UTF-8 bytes, then MurmurHash3's finaliser to spread every bit: fixed, so
    /// runs are deterministic (Swift's `Hasher` is seeded per process).
    static func fingerprint(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash == 0 ? 1 : hash
    }
}
