// The admission webhook's decisions without HTTP: a recorded AdmissionReview for each workload
// kind, blocks with rules and citations, warnings, missing and unknown annotations, objects
// made by a checked owner, dry runs and malformed reviews.

import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetServer
import Testing

@Suite struct AdmissionTests {
    let service = ServedFixtures.service
    /// A fixed day, so the answers do not change as rules come into force.
    let day = CivilDate(iso: "2028-01-01")!

    func admit(_ review: String, target: String? = nil) -> ServiceResponse {
        service.admission(body: Array(review.utf8), contentType: "application/json", target: target, today: day)
    }

    func answer(_ response: ServiceResponse) -> [String: Any] {
        json(response)["response"] as? [String: Any] ?? [:]
    }

    @Test(arguments: ServedFixtures.admissionKinds)
    func eachWorkloadKindIsPlacedFromItsAnnotations(_ kind: String) throws {
        let review = ServedFixtures.review(kind)
        let response = admit(review)
        #expect(response.status == 200)
        let object = json(response)
        #expect(object["apiVersion"] as? String == "admission.k8s.io/v1")
        #expect(object["kind"] as? String == "AdmissionReview")
        let answer = answer(response)
        #expect(answer["allowed"] as? Bool == true, "\(response.text)")
        let uid = try #require(((try JSONSerialization.jsonObject(with: Data(review.utf8))) as? [String: Any])?[path: "request", "uid"] as? String)
        #expect(answer["uid"] as? String == uid)
        let decision = try #require(response.decisions.first)
        #expect(decision.placement.hasSuffix("/ml-training/hr-attrition-\(kind)"))
        #expect(decision.target == "onprem-fra-gpu")
        #expect(decision.model == "mdl-hr-attrition")
        #expect(decision.datasets == ["ds-hr-analytics"])
        #expect(response.loggable != nil)
    }

    @Test func aBlockNamesEachRuleFindingAndCitation() throws {
        // On the GCP cluster the HR data may not go: residency and transfer rules block.
        let response = admit(ServedFixtures.review("job").replacingOccurrences(of: "\"placet.dev/framework\":\"mpi\"", with: "\"placet.dev/framework\":\"spark\""),
                             target: "gcp-us-central1")
        let answer = answer(response)
        #expect(answer["allowed"] as? Bool == false)
        let status = try #require(answer["status"] as? [String: Any])
        #expect(status["code"] as? Int == 403)
        let message = try #require(status["message"] as? String)
        #expect(message.hasPrefix("placet blocked Job ml-training/hr-attrition-job on target gcp-us-central1 as of 2028-01-01: "))
        #expect(message.contains("gdpr.transfer [ds-hr-analytics] (GDPR Art. 44; GDPR Art. 45; GDPR Art. 46; GDPR Art. 49)"))
        #expect(message.contains("residency.location [ds-hr-analytics] (dataset residency commitment)"))
        #expect(message.count <= 2_000)
        #expect(response.decisions.first?.outcome == .block)
    }

    @Test func warningsGoInTheResponsesWarnings() throws {
        // A model trained with more than 1e23 FLOPs that is not declared general-purpose warns.
        let review = ServedFixtures.review("job")
            .replacingOccurrences(of: "\"placet.dev/model\":\"mdl-hr-attrition\"", with: "\"placet.dev/model\":\"mdl-catalog-imagegen\"")
            .replacingOccurrences(of: "\"placet.dev/datasets\":\"ds-hr-analytics\"", with: "\"placet.dev/datasets\":\"\"")
        let response = admit(review)
        let decision = try #require(response.decisions.first, "\(response.text)")
        let warned = decision.findings.filter { $0.effect == .warn }
        let warnings = answer(response)["warnings"] as? [String] ?? []
        #expect(warned.map(\.rule) == ["aiact.gpai-classification"])
        #expect(warnings.count == warned.count)
        for (line, finding) in zip(warnings, warned) {
            #expect(line.hasPrefix("placet warning: \(finding.rule) ["))
            #expect(line.count <= 250)
        }
    }

    @Test func anObjectWithoutAnnotationsIsDeniedNamingThem() throws {
        let review = ServedFixtures.review("pytorchjob").replacingOccurrences(
            of: #""annotations":\{[^}]*\}"#, with: "\"annotations\":{\"team\":\"nlp\"}", options: .regularExpression)
        let response = admit(review)
        let answer = answer(response)
        #expect(answer["allowed"] as? Bool == false)
        let message = try #require((answer["status"] as? [String: Any])?["message"] as? String)
        #expect(message == "placet: PyTorchJob ml-training/hr-attrition-pytorchjob has no placet.dev annotations and its namespace is gated by placet: add placet.dev/workload, placet.dev/stage (and, as they apply, placet.dev/model, placet.dev/datasets, placet.dev/framework)")
        #expect(response.decisions.isEmpty && response.loggable == nil)
    }

    @Test(arguments: [
        ("\"placet.dev/stage\":\"development\"", "\"placet.dev/stag\":\"development\"",
         "placet: Job ml-training/hr-attrition-job is missing the annotation placet.dev/stage; unknown annotation placet.dev/stag; did you mean 'placet.dev/stage'?"),
        ("\"placet.dev/workload\":\"training\"", "\"placet.dev/workload\":\"trainig\"",
         "placet: Job ml-training/hr-attrition-job cannot be placed: annotation 'placet.dev/workload': unknown Workload 'trainig'; did you mean 'training'?"),
        ("\"placet.dev/model\":\"mdl-hr-attrition\"", "\"placet.dev/model\":\"mdl-hr-atrition\"",
         "placet: Job ml-training/hr-attrition-job cannot be placed: annotation 'placet.dev/model': no Model with id 'mdl-hr-atrition'; did you mean 'mdl-hr-attrition'?"),
        ("\"placet.dev/model\":\"mdl-hr-attrition\"", "\"placet.dev/target\":\"aws-us-east-1\"",
         "placet: unknown annotation placet.dev/target (the target is the cluster's own)"),
    ])
    func wrongAnnotationsAreDeniedWithTheReason(_ original: String, _ replacement: String, _ expected: String) throws {
        let review = ServedFixtures.review("job").replacingOccurrences(of: original, with: replacement)
        let response = admit(review)
        let answer = answer(response)
        #expect(answer["allowed"] as? Bool == false)
        let status = try #require(answer["status"] as? [String: Any])
        #expect(status["code"] as? Int == 400)
        #expect(status["message"] as? String == expected)
        #expect(response.loggable == nil)
    }

    @Test func objectsMadeByACheckedOwnerAndDeletionsAreAdmitted() throws {
        let pod = ServedFixtures.review("pod")
            .replacingOccurrences(of: #""annotations":\{[^}]*\}"#, with: "\"annotations\":{}", options: .regularExpression)
            .replacingOccurrences(of: "\"labels\":{\"team\"", with: "\"ownerReferences\":[{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"name\":\"hr-attrition-job\",\"uid\":\"3b1f\",\"controller\":true,\"blockOwnerDeletion\":true}],\"labels\":{\"team\"")
        #expect(pod.contains("ownerReferences"))
        #expect(answer(admit(pod))["allowed"] as? Bool == true)
        // Owned by a kind that is not checked: no exemption.
        let unchecked = pod.replacingOccurrences(of: "\"kind\":\"Job\",\"name\"", with: "\"kind\":\"ConfigMap\",\"name\"")
        #expect(answer(admit(unchecked))["allowed"] as? Bool == false)
        let deletion = ServedFixtures.review("job").replacingOccurrences(of: "\"operation\":\"CREATE\"", with: "\"operation\":\"DELETE\"")
        let response = admit(deletion)
        #expect(answer(response)["allowed"] as? Bool == true)
        #expect(response.decisions.isEmpty)
    }

    @Test func dryRunsAreAnsweredAndNotLogged() throws {
        let review = ServedFixtures.review("deployment").replacingOccurrences(of: "\"dryRun\":false", with: "\"dryRun\":true")
        let response = admit(review)
        #expect(answer(response)["allowed"] as? Bool == true)
        #expect(response.decisions.count == 1)
        #expect(response.loggable == nil)
    }

    @Test(arguments: [
        ("{\"kind\": \"AdmissionReview\"", "request.malformedJSON"),
        ("{\"apiVersion\": \"admission.k8s.io/v1beta1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"1\"}}", "admission.badReview"),
        ("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"operation\": \"CREATE\"}}", "admission.badReview"),
        ("[1, 2]", "request.notAnObject"),
    ])
    func malformedReviewsAre400(_ body: String, _ id: String) throws {
        let response = admit(body)
        #expect(response.status == 400)
        #expect((json(response)["errors"] as? [[String: Any]])?.first?["id"] as? String == id)
        #expect(response.decisions.isEmpty)
    }

    /// The review is skimmed, not built: escapes are decoded where they are read, and what is
    /// skipped is still checked (truncation, bad nesting, depth).
    @Test func escapesAreDecodedAndSkippedPartsAreStillChecked() throws {
        let job = ServedFixtures.review("job")
        let escaped = job.replacingOccurrences(of: "\"placet.dev/model\":\"mdl-hr-attrition\"", with: #""placet.dev/model":"mdl-hr-\u0061ttrition""#)
        #expect(answer(admit(escaped))["allowed"] as? Bool == true)
        let deep = job.replacingOccurrences(of: "\"backoffLimit\":2", with: "\"backoffLimit\":" + String(repeating: "[", count: 80) + String(repeating: "]", count: 80))
        let cases = [
            (String(job.dropLast(3)), "request.malformedJSON"),
            (job.replacingOccurrences(of: "\"backoffLimit\":2", with: "\"backoffLimit\":[2}"), "request.malformedJSON"),
            (deep, "request.malformedJSON"),
            (job.replacingOccurrences(of: "\"restartPolicy\":\"Never\"", with: "\"restartPolicy\":\"Never"), "request.malformedJSON"),
        ]
        for (body, id) in cases {
            let response = admit(body)
            #expect(response.status == 400)
            #expect((json(response)["errors"] as? [[String: Any]])?.first?["id"] as? String == id)
        }
        let message = (json(admit(deep))["errors"] as? [[String: Any]])?.first?["message"] as? String
        #expect(message == "nesting deeper than 64 levels")
    }

    @Test func anUnknownClusterTargetIsDenied() throws {
        let response = admit(ServedFixtures.review("job"), target: "onprem-fra-gp")
        let answer = answer(response)
        #expect(answer["allowed"] as? Bool == false)
        #expect((answer["status"] as? [String: Any])?["message"] as? String == "placet: no Target 'onprem-fra-gp' in the reference manifests; did you mean 'onprem-fra-gpu'?")
    }
}
