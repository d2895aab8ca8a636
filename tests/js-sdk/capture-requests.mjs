// Sends operations with the official AWS SDK for JavaScript v3 to one endpoint, so a test can compare what the SDK put
// on the wire with what the portal's C# client sends for the same input (tests/Portal.Aws.Tests/WireCompatibilityTests.cs).
//
// Usage: node capture-requests.mjs <endpoint> <cases.json>
//   cases.json: [{ "name": "...", "service": "cloudformation|codepipeline|elasticloadbalancing|secretsmanager",
//                  "operation": "CreateStack", "input": { ...the SDK command input... } }, ...]
// Cases run one after another (one request each: maxAttempts 1). Prints one JSON array to stdout:
//   [{ "name": "...", "ok": true } | { "name": "...", "ok": false, "error": "<error name>", "message": "..." }]
import { readFile } from 'node:fs/promises';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as codepipeline from '@aws-sdk/client-codepipeline';
import * as elasticloadbalancing from '@aws-sdk/client-elastic-load-balancing-v2';
import * as secretsmanager from '@aws-sdk/client-secrets-manager';

const services = {
  cloudformation: [cloudformation, 'CloudFormationClient'],
  codepipeline: [codepipeline, 'CodePipelineClient'],
  elasticloadbalancing: [elasticloadbalancing, 'ElasticLoadBalancingV2Client'],
  secretsmanager: [secretsmanager, 'SecretsManagerClient'],
};

const [endpoint, casesFile] = process.argv.slice(2);
if (!endpoint || !casesFile) {
  console.error('usage: node capture-requests.mjs <endpoint> <cases.json>');
  process.exit(2);
}

const cases = JSON.parse(await readFile(casesFile, 'utf8'));
const clients = new Map();
const results = [];
for (const testCase of cases) {
  const [module, clientName] = services[testCase.service] ?? [];
  if (!module) throw new Error(`unknown service ${testCase.service} in case ${testCase.name}`);
  if (!clients.has(testCase.service)) {
    clients.set(testCase.service, new module[clientName]({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    }));
  }
  const Command = module[`${testCase.operation}Command`];
  if (!Command) throw new Error(`unknown operation ${testCase.operation} in case ${testCase.name}`);
  try {
    await clients.get(testCase.service).send(new Command(testCase.input));
    results.push({ name: testCase.name, ok: true });
  } catch (error) {
    results.push({ name: testCase.name, ok: false, error: error.name, message: error.message });
  }
}
for (const client of clients.values()) client.destroy();
console.log(JSON.stringify(results));
