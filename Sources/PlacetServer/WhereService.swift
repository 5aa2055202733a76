// `POST /v1/where`: the planning question of `placet where`, asked of the served references.
// The body is a Placement without id and target (`{"model": …, "datasets": […], "workload": …,
// "stage": …}`); it is tried on every Target as a placement read by the loader, so a wrong
// value is reported at its line and column in the body, as for any manifest.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests
import PlacetReports

extension DecisionService {
    /// The id prefix of the placements tried, as `placet where` names them.
    static let wherePrefix = "where:"

    public func search(body: [UInt8], contentType: String?, asOf: String? = nil) -> ServiceResponse {
        guard Self.manifestFormat(contentType: contentType) == .json else {
            return .refusal(400, "Content-Type \(contentType.map { "'\($0)'" } ?? "missing"): send application/json",
                            diagnostics: [Diagnostic(id: "request.contentType", message: "unsupported Content-Type \(contentType ?? "(none)")")])
        }
        let date: CivilDate
        switch Self.evaluationDate(asOf) {
        case .success(let value): date = value
        case .failure(let problem): return .refusal(400, problem.message, diagnostics: [problem])
        }
        let file = ManifestFileContext(path: Self.requestPath, bytes: body, format: .json)
        let entries: [MappingEntry]
        let objectPosition: Position
        switch Self.readObject(body, file: file) {
        case .success(let (read, position)): (entries, objectPosition) = (read, position)
        case .failure(let problem): return .refusal(400, problem.message, diagnostics: [problem])
        }
        let fixed = ["apiVersion", "kind", SchemaContract.id, SchemaContract.PlacementField.target]
        if let entry = entries.first(where: { fixed.contains($0.key) }) {
            let problem = Diagnostic(id: "where.fixedField", message: "'\(entry.key)' is not part of the question: where tries every Target as a placement of the model and datasets",
                                     location: file.diagnosticLocation(entry.keyPosition, length: entry.key.count))
            return .refusal(400, problem.message, diagnostics: [problem])
        }
        let targets = pack.targetIDs()
        guard !targets.isEmpty else {
            return .refusal(400, "the reference manifests define no Target to place the workload on",
                            diagnostics: [Diagnostic(id: "where.noTargets", message: "the reference manifests define no Target to place the workload on")])
        }
        func placement(on target: String) -> DocumentNode {
            func text(_ value: String) -> DocumentNode { .scalar(value, .text, objectPosition) }
            let header = [("apiVersion", "placet/v1"), ("kind", SchemaContract.placement), (SchemaContract.id, Self.wherePrefix + target),
                          (SchemaContract.PlacementField.target, target)]
            return .mapping(header.map { MappingEntry(key: $0.0, at: objectPosition, value: text($0.1)) } + entries, objectPosition)
        }
        // The question is checked once, on one target, so each mistake is reported once.
        let probe = pack.references.extend { $0.add(document: placement(on: targets[0]), from: file) }
        guard !probe.hasErrors else { return .refusal(400, "the request has errors", diagnostics: probe.diagnostics.filter(\.isError)) }
        let loaded = pack.references.extend { builder in
            for target in targets { builder.add(document: placement(on: target), from: file) }
        }
        guard !loaded.hasErrors else { return .refusal(400, "the request has errors", diagnostics: loaded.diagnostics.filter(\.isError)) }
        let assessment = pack.assess(loaded.inventory, asOf: date)
        return ServiceResponse(status: 200, body: whereAnswer(assessment, inventory: loaded.inventory, asOf: date))
    }

    /// Compliant targets cheapest first, then the excluded ones with the rules that exclude them.
    private func whereAnswer(_ assessment: Assessment, inventory: Inventory, asOf: CivilDate) -> [UInt8] {
        let contract = pack.policy.program.contract
        func cost(_ target: String) -> Double {
            guard let kind = contract.target?.record, let field = contract.target?.gpuHourCost,
                  let row = inventory.tables[kind].indexByID[target], case .number(let value) = inventory.tables[kind].rows[row][field] else { return 0 }
            return value
        }
        var compliant: [(target: String, cost: Double, decision: Decision)] = []
        var excluded: [(target: String, cost: Double, decision: Decision)] = []
        for decision in assessment.decisions where decision.placement.hasPrefix(Self.wherePrefix) {
            let target = String(decision.placement.dropFirst(Self.wherePrefix.count))
            let candidate = (target: target, cost: cost(target), decision: decision)
            if decision.outcome == .approve { compliant.append(candidate) } else { excluded.append(candidate) }
        }
        compliant.sort { ($0.cost, $0.target) < ($1.cost, $1.target) }
        excluded.sort { $0.target < $1.target }
        var json = JSONOutput(capacity: 4096)
        json.object { json in
            json.key("asOf"); json.string(asOf.description)
            json.key("policyDigest"); json.string(pack.policy.digest)
            json.key("policyPack"); json.string(pack.policy.packName)
            json.key("compliant")
            json.array { json in
                for candidate in compliant {
                    json.object { json in
                        json.key("target"); json.string(candidate.target)
                        json.key("gpuHourCost"); json.number(candidate.cost)
                        json.key("decision"); json.decision(candidate.decision)
                    }
                }
            }
            json.key("excluded")
            json.array { json in
                for candidate in excluded {
                    json.object { json in
                        json.key("target"); json.string(candidate.target)
                        json.key("gpuHourCost"); json.number(candidate.cost)
                        let rules = Set(candidate.decision.findings.filter { $0.effect == .block && !$0.waived }.map(\.rule)).sorted()
                        json.key("rules"); json.strings(rules)
                        json.key("decision"); json.decision(candidate.decision)
                    }
                }
            }
            json.key("errors"); json.diagnostics([])
        }
        json.bytes.append(0x0A)
        return json.bytes
    }

    /// A JSON object read from a request body, or the error positioned in it.
    static func readObject(_ body: [UInt8], file: ManifestFileContext) -> Result<([MappingEntry], Position), Diagnostic> {
        guard String(validating: body, as: UTF8.self) != nil else {
            return .failure(Diagnostic(id: "request.invalidUTF8", message: "the request body is not valid UTF-8"))
        }
        let result: Result<DocumentNode, ReadError> = body.withUnsafeBufferPointer { buffer in
            do throws(ReadError) {
                return .success(try JSONReader.read(buffer, range: 0..<buffer.count))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .failure(let failure):
            return .failure(Diagnostic(id: "request.malformedJSON", message: failure.message, location: file.diagnosticLocation(failure.position)))
        case .success(.mapping(let entries, let position)):
            return .success((entries, position))
        case .success(let other):
            return .failure(Diagnostic(id: "request.notAnObject", message: "expected a JSON object, found \(other.kindDescription)",
                                       location: file.diagnosticLocation(other.position)))
        }
    }
}
