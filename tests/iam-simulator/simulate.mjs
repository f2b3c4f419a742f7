// Test-only IAM evaluator: one JSON request per line on stdin, one JSON answer per line on stdout.
// Request: {"policies": [document...], "action", "resource", "context", "account", "principal",
//           "resourcePolicy" (optional: the resource's own policy, e.g. a KMS key policy),
//           "resourceControlPolicies" (optional: an organization's RCPs on the resource's account)}.
// Answer:  {"result": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error", "detail"}.
//
// AWS matches a request resource of "*" literally: only a policy resource that matches the
// string "*" grants it. The simulator reads "*" as "any resource a policy names", so for such a
// request the Allow statements keep only their resources that match "*" (made of * and ?).
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const matchesLiteralStar = (pattern) => /^[*?]*$/.test(pattern) && pattern.length > 0 && !/^\?{2,}$/.test(pattern)

function forLiteralStar(document) {
  const statements = [document.Statement].flat().flatMap((statement) => {
    if (statement.Effect !== 'Allow' || statement.Resource === undefined) return [statement]
    const resources = [statement.Resource].flat().filter(matchesLiteralStar)
    return resources.length ? [{ ...statement, Resource: resources }] : []
  })
  return { ...document, Statement: statements }
}

async function evaluate(request) {
  const documents = request.resource === '*' ? request.policies.map(forLiteralStar) : request.policies
  const simulation = {
    identityPolicies: documents.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: (request.resourceControlPolicies ?? []).length
      ? [{ orgIdentifier: 'r-root', policies: request.resourceControlPolicies.map((policy, i) => ({ name: `rcp${i}`, policy })) }]
      : [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    request: {
      action: request.action,
      principal: request.principal,
      resource: { accountId: request.account, resource: request.resource },
      contextVariables: request.context ?? {},
    },
  }
  const response = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { result: 'Error', detail: response.errors }
  }
  return { result: response.overallResult, detail: response.result?.ignoredContextKeys ?? null }
}

const lines = createInterface({ input: process.stdin })
for await (const line of lines) {
  let answer
  try {
    answer = await evaluate(JSON.parse(line))
  } catch (error) {
    answer = { result: 'Error', detail: String(error) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
