// Waivers (SPEC §2.7): a waiver turns one rule's block on one placement into a waived
// finding until the day before it expires. Expired waivers and waivers on unwaivable or
// warning rules change nothing and are reported as notices.

import PlacetLanguage

struct WaiverBook: Sendable {
    private struct Key: Hashable {
        let rule: Int
        let placement: Int
    }

    private var active: [Key: String] = [:]
    private(set) var notices: [Notice] = []
    private(set) var statuses: [WaiverStatus] = []

    init(policy: CompiledPolicy, inventory: Inventory, asOf: CivilDate) {
        guard let waiver = policy.program.contract.waiver else { return }
        let kind = waiver.record
        let table = inventory.tables[kind]
        let order = table.ids.indices.sorted { table.ids[$0] < table.ids[$1] }
        for row in order {
            let fields = table.rows[row]
            let id = table.ids[row]
            // The manifest loader has already rejected unknown rules and placements.
            guard case .string(let ruleID) = fields[waiver.rule], let ruleIndex = policy.ruleIndex[ruleID],
                  case .record(let placement) = fields[waiver.placement],
                  case .date(let expires) = fields[waiver.expires] else { continue }
            let rule = policy.rules[ruleIndex]
            func text(_ field: Int?) -> String {
                if let field, case .string(let value) = fields[field] { return value }
                return ""
            }
            let state: WaiverStatus.State = rule.unwaivable ? .ignoredUnwaivable
                : rule.effect == .warn ? .ignoredWarning : asOf >= expires ? .expired : .active
            statuses.append(WaiverStatus(
                id: id, rule: ruleID, placement: inventory.tables[policy.program.placementRecord].ids[placement],
                expires: expires, approvedBy: text(waiver.approvedBy), justification: text(waiver.justification), state: state))
            if rule.unwaivable {
                notices.append(Notice(waiver: id, reason: .unwaivableRule, message: "rule \(ruleID) is unwaivable; the waiver is ignored"))
            } else if rule.effect == .warn {
                notices.append(Notice(waiver: id, reason: .warningRule, message: "rule \(ruleID) only warns; waivers apply to block findings, so the waiver is ignored"))
            } else if asOf >= expires {
                notices.append(Notice(waiver: id, reason: .expired, message: "expired on \(expires)"))
            } else {
                let key = Key(rule: ruleIndex, placement: placement)
                if active[key] == nil { active[key] = id }
            }
        }
    }

    func waiver(rule: Int, placement: Int) -> String? {
        active[Key(rule: rule, placement: placement)]
    }
}
