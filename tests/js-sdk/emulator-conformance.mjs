#!/usr/bin/env node
// Proof of wire compatibility: the official AWS SDK for JavaScript v3 calls every operation the portal uses
// against the AWS emulator and must parse every answer, including error answers and throttling answers, which
// it must classify as retryable.
// Usage: node emulator-conformance.mjs http://127.0.0.1:4566
// Prints one JSON document: { "results": [{ "service", "operation", "ok", "detail" }], "failed": n }; exits 1 on a failure.
import {
  CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand,
  DescribeStackEventsCommand, DescribeStackResourcesCommand, CreateChangeSetCommand, DescribeChangeSetCommand,
  ExecuteChangeSetCommand, DeleteChangeSetCommand, ValidateTemplateCommand, ContinueUpdateRollbackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CodePipelineClient, StartPipelineExecutionCommand, GetPipelineStateCommand, GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand, PutApprovalResultCommand, StopPipelineExecutionCommand, RetryStageExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import {
  ElasticLoadBalancingV2Client, DescribeListenersCommand, DescribeRulesCommand, CreateRuleCommand, ModifyRuleCommand,
  DeleteRuleCommand, SetRulePrioritiesCommand, DescribeTargetHealthCommand, AddListenerCertificatesCommand,
  DescribeListenerCertificatesCommand, RemoveListenerCertificatesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, DescribeSecretCommand,
  DeleteSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  S3Client, CreateBucketCommand, HeadBucketCommand, PutBucketVersioningCommand, GetBucketVersioningCommand, PutObjectCommand,
  GetObjectCommand, HeadObjectCommand, DeleteObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, GetLogEventsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient, BatchGetBuildsCommand } from '@aws-sdk/client-codebuild';
import { ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import http from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

const endpoint = process.argv[2] ?? 'http://127.0.0.1:4566';
const region = 'eu-west-1';
const listenerArn = 'arn:aws:elasticloadbalancing:eu-west-1:000000000000:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2';
const deployRole = 'arn:aws:iam::000000000000:role/portal-deploy';
const config = { endpoint, region, credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' } };
const clients = {
  cloudformation: new CloudFormationClient(config),
  codepipeline: new CodePipelineClient(config),
  elasticloadbalancing: new ElasticLoadBalancingV2Client(config),
  secretsmanager: new SecretsManagerClient(config),
  s3: new S3Client({ ...config, forcePathStyle: true }),
  logs: new CloudWatchLogsClient(config),
  codebuild: new CodeBuildClient(config),
  acm: new ACMClient(config),
};
// Virtual-hosted style: the bucket in the host name (bucket.localhost), every such name resolved to the emulator.
const loopback = (hostname, options, callback) => (options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4));
const virtualHosted = new S3Client({
  ...config, endpoint: endpoint.replace('127.0.0.1', 'localhost'), forcePathStyle: false,
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ lookup: loopback }) }),
});
const single = Object.fromEntries(Object.entries(clients).map(([name, client]) => [name, new client.constructor({ ...config, maxAttempts: 1 })]));

const results = [];
const record = (service, operation, ok, detail) => results.push({ service, operation, ok, detail });

/** Sends one command; the operation passes when the answer parses and `check` (if any) holds. */
async function call(service, command, check) {
  const operation = command.constructor.name.replace(/Command$/, '');
  try {
    const output = await clients[service].send(command);
    const problem = check ? check(output) : undefined;
    record(service, operation, !problem, problem ?? 'parsed');
    return output;
  } catch (error) {
    record(service, operation, false, `${error.name}: ${error.message}`);
    throw error;
  }
}

/** Expects an AWS error with this name; records it as its own check. */
async function expectError(service, label, command, name, { client = clients[service], check } = {}) {
  try {
    await client.send(command);
    record(service, label, false, `expected ${name}, got a success`);
  } catch (error) {
    const problem = error.name !== name ? `expected ${name}, got ${error.name}: ${error.message}`
      : !error.$metadata?.requestId ? 'the error carries no request id'
      : check ? check(error) : undefined;
    record(service, label, !problem, problem ?? `${error.name} (${error.$metadata.httpStatusCode}): ${error.message}`);
    return error;
  }
}

async function admin(method, path, body) {
  const response = await fetch(`${endpoint}/_emulator${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function until(what, probe, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stackStatus = async (name) =>
  (await call('cloudformation', new DescribeStacksCommand({ StackName: name }))).Stacks[0];

const settled = (name, wanted) => until(`${name} ${wanted}`, async () => {
  const stack = await stackStatus(name);
  if (stack.StackStatus.endsWith('_IN_PROGRESS')) return undefined;
  if (stack.StackStatus !== wanted) throw new Error(`${name} ended ${stack.StackStatus}: ${stack.StackStatusReason}`);
  return stack;
});

const template = (priority) => `
AWSTemplateFormatVersion: "2010-09-09"
Description: Conformance stack - a listener rule, a generated secret and a pipeline with a manual approval.
Parameters:
  Priority: { Type: Number, MinValue: 1, MaxValue: 50000 }
  HostName: { Type: String, AllowedPattern: "^[a-z.-]+$" }
Resources:
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: { Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 }
  Instances:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties: { MinSize: "2", MaxSize: "2", TargetGroupARNs: [!Ref Targets] }
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: ${listenerArn}
      Priority: !Ref Priority
      Conditions: [{ Field: host-header, HostHeaderConfig: { Values: [!Ref HostName] } }]
      Actions: [{ Type: forward, TargetGroupArn: !Ref Targets }]
  Password:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: { SecretStringTemplate: '{"username":"app"}', GenerateStringKey: password, PasswordLength: 24 }
  Artifacts:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties: { VersioningConfiguration: { Status: Enabled } }
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::000000000000:role/build
      Environment: { Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/amazonlinux2-x86_64-standard:5.0 }
      Source: { Type: CODEPIPELINE, BuildSpec: "version: 0.2\\nphases:\\n  build:\\n    commands:\\n      - echo compiling\\nartifacts:\\n  files:\\n    - '**/*'\\n" }
      Artifacts: { Type: CODEPIPELINE }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: codepipeline.amazonaws.com }, Action: sts:AssumeRole }] }
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      PipelineType: V2
      ExecutionMode: QUEUED
      RoleArn: !GetAtt Role.Arn
      ArtifactStore: { Type: S3, Location: !Ref Artifacts }
      Variables: [{ Name: CommitId, DefaultValue: unknown }]
      Stages:
        - Name: Source
          Actions: [{ Name: Fetch, ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }, Configuration: { S3Bucket: !Ref Artifacts, S3ObjectKey: src.zip }, OutputArtifacts: [{ Name: Source }] }]
        - Name: Build
          Actions: [{ Name: Compile, ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }, Configuration: { ProjectName: !Ref Build }, InputArtifacts: [{ Name: Source }], OutputArtifacts: [{ Name: Built }] }]
        - Name: Approval
          Actions: [{ Name: Approve, ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" } }]
        - Name: Deploy
          Actions: [{ Name: Release, ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }, Configuration: { ApplicationName: app } }]
Outputs:
  TargetGroupArn: { Value: !Ref Targets }
  RuleArn: { Value: !Ref Rule }
  SecretArn: { Value: !Ref Password }
  PipelineName: { Value: !Ref Pipeline }
  BucketName: { Value: !Ref Artifacts }
`;

async function cloudFormation() {
  const cf = 'cloudformation';
  const name = 'conformance';
  await call(cf, new ValidateTemplateCommand({ TemplateBody: template(10) }),
    (o) => o.Parameters.length === 2 && o.Capabilities[0] === 'CAPABILITY_IAM' ? undefined : `unexpected answer ${JSON.stringify(o)}`);
  const parameters = (priority) => [{ ParameterKey: 'Priority', ParameterValue: String(priority) }, { ParameterKey: 'HostName', ParameterValue: 'app.example.com' }];
  const created = await call(cf, new CreateStackCommand({
    StackName: name, TemplateBody: template(10), Parameters: parameters(10), Capabilities: ['CAPABILITY_IAM'],
    Tags: [{ Key: 'portal:customer', Value: 'acme' }], ClientRequestToken: 'create-1', RoleARN: deployRole,
  }), (o) => o.StackId?.startsWith('arn:aws:cloudformation:eu-west-1:') ? undefined : `no stack id: ${JSON.stringify(o)}`);
  const stack = await settled(name, 'CREATE_COMPLETE');
  if (stack.RoleARN !== deployRole || stack.Tags?.[0]?.Key !== 'portal:customer')
    record(cf, 'DescribeStacks', false, `role or tags not shown: ${stack.RoleARN} ${JSON.stringify(stack.Tags)}`);
  await call(cf, new DescribeStacksCommand({}), (o) => o.Stacks.some((s) => s.StackId === created.StackId && s.CreationTime instanceof Date) ? undefined : 'stack missing from the list');
  let events = [];
  let token;
  do {
    const page = await call(cf, new DescribeStackEventsCommand({ StackName: name, NextToken: token }),
      (o) => o.StackEvents.every((e) => e.Timestamp instanceof Date && e.EventId) ? undefined : 'events without timestamp or id');
    events = events.concat(page.StackEvents);
    token = page.NextToken;
  } while (token);
  if (events[0].ResourceStatus !== 'CREATE_COMPLETE' || events[0].LogicalResourceId !== name) record(cf, 'DescribeStackEvents', false, `newest event is ${events[0].LogicalResourceId} ${events[0].ResourceStatus}`);
  if (!events.some((e) => e.ClientRequestToken === 'create-1')) record(cf, 'DescribeStackEvents', false, 'events do not carry the ClientRequestToken');
  await call(cf, new DescribeStackResourcesCommand({ StackName: name }),
    (o) => o.StackResources.length === 8 && o.StackResources.every((r) => r.ResourceStatus === 'CREATE_COMPLETE' && r.PhysicalResourceId) ? undefined : 'resources not all created');

  const changeSet = await call(cf, new CreateChangeSetCommand({
    StackName: name, ChangeSetName: 'move-rule', TemplateBody: template(11), Parameters: parameters(11), Capabilities: ['CAPABILITY_IAM'],
  }), (o) => o.Id?.includes(':changeSet/move-rule/') ? undefined : 'no change set id');
  const described = await until('change set', async () => {
    const c = await call(cf, new DescribeChangeSetCommand({ ChangeSetName: changeSet.Id }));
    return c.Status === 'CREATE_COMPLETE' ? c : c.Status === 'FAILED' ? Promise.reject(new Error(c.StatusReason)) : undefined;
  });
  const change = described.Changes?.[0]?.ResourceChange;
  if (described.Changes.length !== 1 || change.Action !== 'Modify' || change.LogicalResourceId !== 'Rule' || change.Replacement !== 'False' || change.Scope[0] !== 'Properties')
    record(cf, 'DescribeChangeSet', false, `unexpected changes ${JSON.stringify(described.Changes)}`);
  await call(cf, new ExecuteChangeSetCommand({ ChangeSetName: 'move-rule', StackName: name, ClientRequestToken: 'execute-1' }));
  await settled(name, 'UPDATE_COMPLETE');
  await call(cf, new CreateChangeSetCommand({ StackName: name, ChangeSetName: 'discard', TemplateBody: template(12), Parameters: parameters(12), Capabilities: ['CAPABILITY_IAM'] }));
  await call(cf, new DeleteChangeSetCommand({ ChangeSetName: 'discard', StackName: name }));
  await expectError(cf, 'DescribeChangeSet (deleted change set)', new DescribeChangeSetCommand({ ChangeSetName: 'discard', StackName: name }), 'ChangeSetNotFoundException');
  await call(cf, new UpdateStackCommand({ StackName: name, TemplateBody: template(12), Parameters: parameters(12), Capabilities: ['CAPABILITY_IAM'], ClientRequestToken: 'update-1' }),
    (o) => o.StackId === created.StackId ? undefined : 'another stack id');
  await settled(name, 'UPDATE_COMPLETE');
  await expectError(cf, 'UpdateStack (no changes)', new UpdateStackCommand({ StackName: name, UsePreviousTemplate: true, Parameters: parameters(12), Capabilities: ['CAPABILITY_IAM'] }),
    'ValidationError', { check: (e) => e.message === 'No updates are to be performed.' ? undefined : `message: ${e.message}` });
  await expectError(cf, 'DescribeStacks (stack does not exist)', new DescribeStacksCommand({ StackName: 'no-such-stack' }), 'ValidationError',
    { check: (e) => e.message === 'Stack with id no-such-stack does not exist' && e.$fault === 'client' && e.$metadata.httpStatusCode === 400 ? undefined : `message ${e.message}, fault ${e.$fault}` });
  await expectError(cf, 'CreateStack (already exists)', new CreateStackCommand({ StackName: name, TemplateBody: template(10), Parameters: parameters(10), Capabilities: ['CAPABILITY_IAM'] }), 'AlreadyExistsException',
    { check: (e) => e.message === `Stack [${name}] already exists` ? undefined : `message ${e.message}` });
  await expectError(cf, 'CreateStack (role of another account)', new CreateStackCommand({ StackName: 'other-role', TemplateBody: template(10), Parameters: parameters(10),
    Capabilities: ['CAPABILITY_IAM'], RoleARN: 'arn:aws:iam::123456789012:role/x' }), 'ValidationError',
    { check: (e) => e.message === 'Role arn:aws:iam::123456789012:role/x is invalid or cannot be assumed' ? undefined : `message ${e.message}` });
  await expectError(cf, 'ContinueUpdateRollback (not failed)', new ContinueUpdateRollbackCommand({ StackName: name }), 'ValidationError',
    { check: (e) => e.message === 'ContinueUpdateRollback cannot be called from stack with UPDATE_COMPLETE status' ? undefined : `message ${e.message}` });
  await expectError(cf, 'DeleteStack (RetainResources before DELETE_FAILED)', new DeleteStackCommand({ StackName: name, RetainResources: ['Password'] }), 'ValidationError');
  await stuckRollback();
  await unseenStack();
  return { name, outputs: Object.fromEntries((await stackStatus(name)).Outputs.map((o) => [o.OutputKey, o.OutputValue])), stackId: stack.StackId };
}

/** An update whose rollback fails (UPDATE_ROLLBACK_FAILED), then ContinueUpdateRollback skipping the resource. */
async function stuckRollback() {
  const cf = 'cloudformation';
  const name = 'conformance-stuck';
  const topics = (display) => `Resources:\n  Topic: { Type: AWS::SNS::Topic, Properties: { DisplayName: ${display} } }\n  Other: { Type: AWS::SNS::Topic, Properties: { DisplayName: ${display} } }\n`;
  await call(cf, new CreateStackCommand({ StackName: name, TemplateBody: topics('one') }));
  await settled(name, 'CREATE_COMPLETE');
  await admin('POST', '/faults', { resources: [
    { stackName: name, logicalId: 'Other', operation: 'Update', times: 1 },
    { stackName: name, logicalId: 'Topic', operation: 'Rollback', reason: 'changed outside the stack', times: 1 },
  ] });
  await call(cf, new UpdateStackCommand({ StackName: name, TemplateBody: topics('two') }));
  const stuck = await settled(name, 'UPDATE_ROLLBACK_FAILED');
  if (stuck.StackStatusReason !== 'The following resource(s) failed to update: [Topic]. ') record(cf, 'UpdateStack', false, `reason ${stuck.StackStatusReason}`);
  await expectError(cf, 'ContinueUpdateRollback (skip a resource that did not fail)', new ContinueUpdateRollbackCommand({ StackName: name, ResourcesToSkip: ['Other'] }), 'ValidationError');
  await call(cf, new ContinueUpdateRollbackCommand({ StackName: name, ResourcesToSkip: ['Topic'], RoleARN: deployRole, ClientRequestToken: 'continue-1' }));
  const done = await settled(name, 'UPDATE_ROLLBACK_COMPLETE');
  if (done.RoleARN !== deployRole) record(cf, 'ContinueUpdateRollback', false, `role not recorded: ${done.RoleARN}`);
  await call(cf, new DeleteStackCommand({ StackName: name }));
}

/** Eventual consistency right after CreateStack: DescribeStacks answers that the stack does not exist, once. */
async function unseenStack() {
  const cf = 'cloudformation';
  const name = 'conformance-unseen';
  await admin('POST', '/faults', { newStacks: [{ stackName: name, misses: 1, times: 1 }] });
  await call(cf, new CreateStackCommand({ StackName: name, TemplateBody: 'Resources:\n  Topic: { Type: AWS::SNS::Topic }\n' }));
  await expectError(cf, 'DescribeStacks (right after CreateStack)', new DescribeStacksCommand({ StackName: name }), 'ValidationError',
    { check: (e) => e.message === `Stack with id ${name} does not exist` ? undefined : `message ${e.message}` });
  await settled(name, 'CREATE_COMPLETE');
  await call(cf, new DeleteStackCommand({ StackName: name }));
}

/** ACM certificates the portal checks at order time. */
async function certificates() {
  const { certificateArn } = await admin('POST', '/seed/certificates', { region, domainName: '*.apps.example.com', subjectAlternativeNames: ['apps.example.com'] });
  await call('acm', new DescribeCertificateCommand({ CertificateArn: certificateArn }), (o) =>
    o.Certificate.Status === 'ISSUED' && o.Certificate.SubjectAlternativeNames.includes('*.apps.example.com') && o.Certificate.NotAfter instanceof Date
      ? undefined : `unexpected ${JSON.stringify(o.Certificate)}`);
  await expectError('acm', 'DescribeCertificate (no such certificate)', new DescribeCertificateCommand({
    CertificateArn: 'arn:aws:acm:eu-west-1:000000000000:certificate/0a1b2c3d-1111-2222-3333-444455556666',
  }), 'ResourceNotFoundException');
  await expectError('acm', 'DescribeCertificate (not an ARN)', new DescribeCertificateCommand({ CertificateArn: 'certificate-0a1b2c3d-1111' }), 'ValidationException');
  return certificateArn;
}

/** The shared HTTPS listener's certificate list. */
async function listenerCertificates(certificateArn) {
  const elb = 'elasticloadbalancing';
  await call(elb, new AddListenerCertificatesCommand({ ListenerArn: listenerArn, Certificates: [{ CertificateArn: certificateArn }] }),
    (o) => o.Certificates.some((c) => c.CertificateArn === certificateArn && c.IsDefault === false) ? undefined : `unexpected ${JSON.stringify(o)}`);
  await call(elb, new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn }), (o) =>
    o.Certificates.length === 2 && o.Certificates.some((c) => c.IsDefault === true) ? undefined : `unexpected ${JSON.stringify(o.Certificates)}`);
  await expectError(elb, 'AddListenerCertificates (unknown certificate)', new AddListenerCertificatesCommand({
    ListenerArn: listenerArn, Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:000000000000:certificate/unknown' }],
  }), 'CertificateNotFoundException');
  await expectError(elb, 'AddListenerCertificates (another account\'s certificate)', new AddListenerCertificatesCommand({
    ListenerArn: listenerArn, Certificates: [{ CertificateArn: certificateArn.replace(/:\d{12}:/, ':111122223333:') }],
  }), 'CertificateNotFoundException');
  await expectError(elb, 'AddListenerCertificates (two at once)', new AddListenerCertificatesCommand({
    ListenerArn: listenerArn, Certificates: [{ CertificateArn: certificateArn }, { CertificateArn: certificateArn }],
  }), 'TooManyCertificatesException');
  await expectError(elb, 'RemoveListenerCertificates (the default)', new RemoveListenerCertificatesCommand({
    ListenerArn: listenerArn, Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:000000000000:certificate/conformance' }],
  }), 'OperationNotPermittedException');
  await call(elb, new RemoveListenerCertificatesCommand({ ListenerArn: listenerArn, Certificates: [{ CertificateArn: certificateArn }] }));
}

/**
 * The emulator's clock 10 minutes ahead: a client that may not retry is refused; a default client corrects its clock
 * from Date and retries. (Successful calls: while the skew is over 4 minutes the SDK flags every error answer as a
 * fresh correction and retries it to its last attempt.)
 */
async function clockSkew(outputs) {
  await admin('PUT', '/clock', { skew: '00:10:00' });
  try {
    const probes = {
      cloudformation: ['DescribeStacks', 'SignatureDoesNotMatch', () => new DescribeStacksCommand({})],
      secretsmanager: ['DescribeSecret', 'InvalidSignatureException', () => new DescribeSecretCommand({ SecretId: outputs.SecretArn })],
    };
    for (const [service, [operation, code, command]] of Object.entries(probes)) {
      const fresh = { ...config, maxAttempts: 1 };
      await expectError(service, `${operation} (clock skewed)`, command(), code, {
        client: new clients[service].constructor(fresh),
        check: (e) => /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/.test(e.message) ? undefined : `message ${e.message}`,
      });
      const corrected = new clients[service].constructor(config);
      try {
        const output = await corrected.send(command());
        record(service, `${operation} (clock corrected)`, output.$metadata.attempts === 2, `attempts: ${output.$metadata.attempts}`);
      } catch (error) {
        record(service, `${operation} (clock corrected)`, false, `${error.name} after ${error.$metadata?.attempts} attempts: ${error.message}`);
      }
    }
  } finally {
    await admin('PUT', '/clock', { skew: '00:00:00' });
  }
}

async function loadBalancing(outputs) {
  const elb = 'elasticloadbalancing';
  await call(elb, new DescribeListenersCommand({ ListenerArns: [listenerArn] }),
    (o) => o.Listeners[0]?.ListenerArn === listenerArn && o.Listeners[0].Port === 443 ? undefined : `unexpected ${JSON.stringify(o.Listeners)}`);
  await call(elb, new DescribeRulesCommand({ ListenerArn: listenerArn }),
    (o) => o.Rules.some((r) => r.IsDefault && r.Priority === 'default') && o.Rules.some((r) => r.RuleArn === outputs.RuleArn && r.Priority === '12') ? undefined : `unexpected ${JSON.stringify(o.Rules)}`);
  const rule = {
    ListenerArn: listenerArn, Priority: 20,
    Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['other.example.com'] } }],
    Actions: [{ Type: 'forward', TargetGroupArn: outputs.TargetGroupArn }],
  };
  const created = await call(elb, new CreateRuleCommand(rule), (o) => o.Rules[0]?.Priority === '20' ? undefined : 'priority not 20');
  await expectError(elb, 'CreateRule (priority in use)', new CreateRuleCommand(rule), 'PriorityInUseException');
  const ruleArn = created.Rules[0].RuleArn;
  await call(elb, new ModifyRuleCommand({ RuleArn: ruleArn, Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'gone' } }] }),
    (o) => o.Rules[0].Actions[0].FixedResponseConfig?.StatusCode === '404' ? undefined : 'action not changed');
  await call(elb, new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleArn, Priority: 21 }] }), (o) => o.Rules[0].Priority === '21' ? undefined : 'priority not changed');
  await call(elb, new DescribeTargetHealthCommand({ TargetGroupArn: outputs.TargetGroupArn }),
    (o) => o.TargetHealthDescriptions.length === 2 && o.TargetHealthDescriptions.every((t) => t.TargetHealth.State === 'healthy' && t.Target.Id.startsWith('i-')) ? undefined : `unexpected ${JSON.stringify(o.TargetHealthDescriptions)}`);
  await call(elb, new DeleteRuleCommand({ RuleArn: ruleArn }));
  await expectError(elb, 'DeleteRule (rule not found)', new DeleteRuleCommand({ RuleArn: ruleArn }), 'RuleNotFoundException');
}

async function secrets(outputs) {
  const sm = 'secretsmanager';
  await call(sm, new GetSecretValueCommand({ SecretId: outputs.SecretArn }), (o) => {
    const value = JSON.parse(o.SecretString);
    return value.username === 'app' && value.password?.length === 24 && o.VersionStages[0] === 'AWSCURRENT' ? undefined : 'generated secret not readable';
  });
  const created = await call(sm, new CreateSecretCommand({ Name: 'conformance/db', SecretString: 'first', Description: 'conformance', Tags: [{ Key: 'team', Value: 'portal' }] }),
    (o) => o.ARN?.includes(':secret:conformance/db-') && o.VersionId ? undefined : 'no ARN or version');
  await call(sm, new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'second' }), (o) => o.VersionStages[0] === 'AWSCURRENT' ? undefined : 'not current');
  await call(sm, new GetSecretValueCommand({ SecretId: 'conformance/db', VersionStage: 'AWSPREVIOUS' }), (o) => o.SecretString === 'first' && o.CreatedDate instanceof Date ? undefined : 'previous version lost');
  await call(sm, new DescribeSecretCommand({ SecretId: created.ARN }),
    (o) => Object.keys(o.VersionIdsToStages).length === 2 && o.Tags[0].Key === 'team' && o.CreatedDate instanceof Date ? undefined : `unexpected ${JSON.stringify(o)}`);
  await call(sm, new DeleteSecretCommand({ SecretId: created.ARN, RecoveryWindowInDays: 7 }), (o) => o.DeletionDate instanceof Date ? undefined : 'no deletion date');
  await expectError(sm, 'GetSecretValue (scheduled for deletion)', new GetSecretValueCommand({ SecretId: created.ARN }), 'InvalidRequestException');
  await expectError(sm, 'GetSecretValue (no such secret)', new GetSecretValueCommand({ SecretId: 'no/such/secret' }), 'ResourceNotFoundException');
}

/** A zip (stored entries) of { name: text }, as the portal uploads a commit's archive. */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function s3(outputs) {
  const s = 's3';
  const bucket = 'conformance-objects';
  await call(s, new CreateBucketCommand({ Bucket: bucket }), (o) => o.Location === `/${bucket}` ? undefined : `location ${o.Location}`);
  await expectError(s, 'CreateBucket (already owned)', new CreateBucketCommand({ Bucket: bucket }), 'BucketAlreadyOwnedByYou',
    { check: (e) => e.$metadata.httpStatusCode === 409 ? undefined : `status ${e.$metadata.httpStatusCode}` });
  await expectError(s, 'CreateBucket (invalid name)', new CreateBucketCommand({ Bucket: 'Not_Valid' }), 'InvalidBucketName');
  await call(s, new HeadBucketCommand({ Bucket: bucket }), (o) => o.BucketRegion === region ? undefined : `region ${o.BucketRegion}`);
  await expectError(s, 'HeadBucket (no such bucket)', new HeadBucketCommand({ Bucket: 'no-such-bucket-conformance' }), 'NotFound',
    { check: (e) => e.$metadata.httpStatusCode === 404 ? undefined : `status ${e.$metadata.httpStatusCode}` });
  await call(s, new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await call(s, new GetBucketVersioningCommand({ Bucket: bucket }), (o) => o.Status === 'Enabled' ? undefined : `status ${o.Status}`);
  await call(s, new GetBucketVersioningCommand({ Bucket: outputs.BucketName }), (o) => o.Status === 'Enabled' ? undefined : 'the stack bucket is not versioned');
  const first = await call(s, new PutObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', Body: 'first version' }),
    (o) => o.VersionId && o.ETag && o.ChecksumCRC32 ? undefined : `unexpected ${JSON.stringify(o)}`);
  const streamed = await call(s, new PutObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', Body: Readable.from([Buffer.alloc(100000, 120)]), ContentLength: 100000 }),
    (o) => o.VersionId && o.VersionId !== first.VersionId ? undefined : 'no new version');
  const older = await call(s, new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', VersionId: first.VersionId }));
  const olderText = await older.Body.transformToString();
  if (olderText !== 'first version') record(s, 'GetObject', false, `read ${olderText}`);
  const range = await call(s, new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', Range: 'bytes=10-19' }),
    (o) => o.ContentRange === 'bytes 10-19/100000' && o.VersionId === streamed.VersionId ? undefined : `range ${o.ContentRange}`);
  if ((await range.Body.transformToString()) !== 'x'.repeat(10)) record(s, 'GetObject', false, 'the range is not the bytes asked');
  await call(s, new HeadObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip' }), (o) => o.ContentLength === 100000 ? undefined : `length ${o.ContentLength}`);
  const hosted = await virtualHosted.send(new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', VersionId: first.VersionId }));
  record(s, 'GetObject (virtual-hosted style)', (await hosted.Body.transformToString()) === 'first version', 'read through bucket.localhost');
  await expectError(s, 'GetObject (range not satisfiable)', new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', Range: 'bytes=200000-' }), 'InvalidRange');
  await expectError(s, 'GetObject (no such version)', new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', VersionId: 'x'.repeat(32) }), 'NoSuchVersion');
  await expectError(s, 'GetObject (malformed version)', new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', VersionId: 'v1' }), 'InvalidArgument');
  await expectError(s, 'GetObject (no such bucket)', new GetObjectCommand({ Bucket: 'no-such-bucket-conformance', Key: 'k' }), 'NoSuchBucket');
  const marker = await call(s, new DeleteObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip' }), (o) => o.DeleteMarker && o.VersionId ? undefined : 'no delete marker');
  await expectError(s, 'GetObject (deleted)', new GetObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip' }), 'NoSuchKey');
  await expectError(s, 'HeadObject (delete marker version)', new HeadObjectCommand({ Bucket: bucket, Key: 'a b/c+d.zip', VersionId: marker.VersionId }), 'Unknown',
    { check: (e) => e.$metadata.httpStatusCode === 405 ? undefined : `status ${e.$metadata.httpStatusCode}` });
  await call(s, new ListObjectVersionsCommand({ Bucket: bucket }), (o) => o.Versions?.length === 2 && o.DeleteMarkers?.length === 1
    && o.Versions[0].Key === 'a b/c+d.zip' && o.DeleteMarkers[0].IsLatest ? undefined : `unexpected ${JSON.stringify(o)}`);
  await call(s, new PutObjectCommand({ Bucket: bucket, Key: 'dir/one.txt', Body: '1' }));
  await call(s, new PutObjectCommand({ Bucket: bucket, Key: 'top.txt', Body: '2' }));
  await call(s, new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }), (o) => o.KeyCount === 2 && o.Contents?.[0]?.Key === 'top.txt'
    && o.CommonPrefixes?.[0]?.Prefix === 'dir/' ? undefined : `unexpected ${JSON.stringify(o)}`);
  const page = await call(s, new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }), (o) => o.IsTruncated && o.NextContinuationToken ? undefined : 'not truncated');
  await call(s, new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: page.NextContinuationToken }),
    (o) => o.Contents?.[0]?.Key === 'top.txt' && !o.IsTruncated ? undefined : `unexpected ${JSON.stringify(o.Contents)}`);
  await expectError(s, 'ListObjectsV2 (bad continuation token)', new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'nope' }), 'InvalidArgument');
  // The pipeline's source: a zip in the stack's versioned bucket.
  const source = await call(s, new PutObjectCommand({ Bucket: outputs.BucketName, Key: 'src.zip', Body: zip({ 'index.html': '<h1>conformance</h1>' }) }));
  return source.VersionId;
}

async function buildsAndLogs(outputs, executionId) {
  const actions = await call('codepipeline', new ListActionExecutionsCommand({ pipelineName: outputs.PipelineName, filter: { pipelineExecutionId: executionId } }),
    (o) => o.actionExecutionDetails.some((a) => a.actionName === 'Compile' && a.output?.executionResult?.externalExecutionId) ? undefined : 'no build action');
  const compile = actions.actionExecutionDetails.find((a) => a.actionName === 'Compile');
  if (!(compile.output.outputArtifacts[0]?.s3location?.bucket === outputs.BucketName && compile.startTime instanceof Date))
    record('codepipeline', 'ListActionExecutions', false, `unexpected output ${JSON.stringify(compile.output)}`);
  const buildId = compile.output.executionResult.externalExecutionId;
  const { builds } = await call('codebuild', new BatchGetBuildsCommand({ ids: [buildId, 'nope:00000000-0000-0000-0000-000000000000'] }),
    (o) => o.builds[0]?.buildStatus === 'SUCCEEDED' && o.builds[0].logs?.streamName && o.buildsNotFound?.length === 1 ? undefined : `unexpected ${JSON.stringify(o)}`);
  await expectError('codebuild', 'BatchGetBuilds (no ids)', new BatchGetBuildsCommand({ ids: [] }), 'InvalidInputException');
  const { groupName, streamName } = builds[0].logs;
  const head = await call('logs', new GetLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, startFromHead: true, limit: 2 }),
    (o) => o.events.length === 2 && o.events[0].message.startsWith('[Container] ') && o.nextForwardToken.startsWith('f/') ? undefined : `unexpected ${JSON.stringify(o)}`);
  await call('logs', new GetLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, nextToken: head.nextForwardToken }),
    (o) => o.events.some((e) => e.message.endsWith('Phase complete: BUILD State: SUCCEEDED')) ? undefined : 'no BUILD phase line');
  await call('logs', new FilterLogEventsCommand({ logGroupName: groupName, filterPattern: '"Running command"' }),
    (o) => o.events.length > 0 && o.events.every((e) => e.message.includes('Running command') && e.logStreamName === streamName) ? undefined : `unexpected ${JSON.stringify(o.events)}`);
  await expectError('logs', 'GetLogEvents (no such stream)', new GetLogEventsCommand({ logGroupName: groupName, logStreamName: 'no-such-stream' }), 'ResourceNotFoundException');
  await expectError('logs', 'GetLogEvents (no such group)', new GetLogEventsCommand({ logGroupName: '/no/such/group', logStreamName: streamName }), 'ResourceNotFoundException');
}

async function pipelines(outputs, sourceVersion) {
  const cp = 'codepipeline';
  const name = outputs.PipelineName;
  const approval = (executionId) => until('the approval', async () => {
    const state = await call(cp, new GetPipelineStateCommand({ name }));
    const stage = state.stageStates.find((s) => s.stageName === 'Approval');
    const action = stage?.actionStates[0]?.latestExecution;
    return stage?.latestExecution?.pipelineExecutionId === executionId && action?.status === 'InProgress' && action.token ? action.token : undefined;
  });
  const finished = (executionId) => until('the execution', async () => {
    const { pipelineExecution } = await call(cp, new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: executionId }));
    return pipelineExecution.status === 'InProgress' ? undefined : pipelineExecution;
  });

  const started = await call(cp, new StartPipelineExecutionCommand({ name, clientRequestToken: 'push-1', variables: [{ name: 'CommitId', value: 'abc123' }] }));
  await call(cp, new StartPipelineExecutionCommand({ name, clientRequestToken: 'push-1', variables: [{ name: 'CommitId', value: 'abc123' }] }),
    (o) => o.pipelineExecutionId === started.pipelineExecutionId ? undefined : 'the same token started a second execution');
  const token = await approval(started.pipelineExecutionId);
  await expectError(cp, 'PutApprovalResult (wrong token)', new PutApprovalResultCommand({
    pipelineName: name, stageName: 'Approval', actionName: 'Approve', token: '00000000-0000-0000-0000-000000000000', result: { status: 'Approved', summary: 'ok' },
  }), 'InvalidApprovalTokenException');
  await call(cp, new PutApprovalResultCommand({ pipelineName: name, stageName: 'Approval', actionName: 'Approve', token, result: { status: 'Approved', summary: 'ship it' } }),
    (o) => o.approvedAt instanceof Date ? undefined : 'no approval time');
  const execution = await finished(started.pipelineExecutionId);
  if (execution.status !== 'Succeeded' || execution.variables[0]?.resolvedValue !== 'abc123' || execution.artifactRevisions[0]?.revisionId !== sourceVersion)
    record(cp, 'GetPipelineExecution', false, `unexpected ${JSON.stringify(execution)}`);
  await buildsAndLogs(outputs, started.pipelineExecutionId);
  const pinned = await call(cp, new StartPipelineExecutionCommand({ name, sourceRevisions: [{ actionName: 'Fetch', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'x'.repeat(32) }] }));
  const missing = await finished(pinned.pipelineExecutionId);
  if (missing.status !== 'Failed') record(cp, 'StartPipelineExecution (sourceRevisions)', false, `a missing version ended ${missing.status}`);
  await expectError(cp, 'StartPipelineExecution (revision type of another provider)', new StartPipelineExecutionCommand({
    name, sourceRevisions: [{ actionName: 'Fetch', revisionType: 'COMMIT_ID', revisionValue: 'a1b2c3' }],
  }), 'ValidationException');
  await expectError(cp, 'PutApprovalResult (already decided)', new PutApprovalResultCommand({
    pipelineName: name, stageName: 'Approval', actionName: 'Approve', token, result: { status: 'Approved', summary: 'again' },
  }), 'ApprovalAlreadyCompletedException');

  await admin('POST', '/faults', { actions: [{ pipelineName: name, category: 'Build', message: 'Build failed', times: 1 }] });
  const failing = await call(cp, new StartPipelineExecutionCommand({ name }));
  const failed = await finished(failing.pipelineExecutionId);
  if (failed.status !== 'Failed') record(cp, 'GetPipelineExecution', false, `expected Failed, got ${failed.status}`);
  await call(cp, new RetryStageExecutionCommand({ pipelineName: name, stageName: 'Build', pipelineExecutionId: failing.pipelineExecutionId, retryMode: 'FAILED_ACTIONS' }),
    (o) => o.pipelineExecutionId === failing.pipelineExecutionId ? undefined : 'another execution id');
  await approval(failing.pipelineExecutionId);
  await call(cp, new StopPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: failing.pipelineExecutionId, abandon: true, reason: 'superseded by a newer push' }));
  const stopped = await finished(failing.pipelineExecutionId);
  if (stopped.status !== 'Stopped') record(cp, 'StopPipelineExecution', false, `expected Stopped, got ${stopped.status}`);
  await call(cp, new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }), (o) => o.pipelineExecutionSummaries[0]?.pipelineExecutionId === failing.pipelineExecutionId
    && o.pipelineExecutionSummaries[0].stopTrigger?.reason === 'superseded by a newer push' && o.nextToken ? undefined : `unexpected ${JSON.stringify(o)}`);
  const rest = await call(cp, new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1, nextToken: (await clients.codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }))).nextToken }),
    (o) => o.pipelineExecutionSummaries[0]?.pipelineExecutionId === pinned.pipelineExecutionId && o.pipelineExecutionSummaries[0].startTime instanceof Date ? undefined : 'second page is not the older execution');
  await call(cp, new ListPipelineExecutionsCommand({ pipelineName: name, filter: { succeededInStage: { stageName: 'Deploy' } } }),
    (o) => o.pipelineExecutionSummaries.length === 1 && o.pipelineExecutionSummaries[0].pipelineExecutionId === started.pipelineExecutionId
      ? undefined : `filter: ${JSON.stringify(o.pipelineExecutionSummaries.map((e) => e.pipelineExecutionId))}`);
  await expectError(cp, 'ListPipelineExecutions (maxResults 101)', new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 101 }), 'ValidationException');
  await expectError(cp, 'StartPipelineExecution (undeclared variable)', new StartPipelineExecutionCommand({ name, variables: [{ name: 'Nope', value: 'x' }] }), 'ValidationException');
  await expectError(cp, 'GetPipelineState (no such pipeline)', new GetPipelineStateCommand({ name: 'no-such-pipeline' }), 'PipelineNotFoundException');
  return rest;
}

/** Throttling and server errors: every client classifies them as retryable, and retries them. */
async function retries() {
  const probes = {
    cloudformation: ['DescribeStacks', 'Throttling', () => new DescribeStacksCommand({})],
    elasticloadbalancing: ['DescribeListeners', 'Throttling', () => new DescribeListenersCommand({ ListenerArns: [listenerArn] })],
    codepipeline: ['ListPipelineExecutions', 'ThrottlingException', () => new ListPipelineExecutionsCommand({ pipelineName: 'no-such-pipeline' })],
    secretsmanager: ['DescribeSecret', 'ThrottlingException', () => new DescribeSecretCommand({ SecretId: 'no/such/secret' })],
    logs: ['GetLogEvents', 'ThrottlingException', () => new GetLogEventsCommand({ logGroupName: '/no/such/group', logStreamName: 's' })],
    codebuild: ['BatchGetBuilds', 'ThrottlingException', () => new BatchGetBuildsCommand({ ids: ['nope:00000000-0000-0000-0000-000000000000'] })],
    s3: ['GetBucketVersioning', 'SlowDown', () => new GetBucketVersioningCommand({ Bucket: 'conformance-objects' })],
    acm: ['DescribeCertificate', 'ThrottlingException', () => new DescribeCertificateCommand({ CertificateArn: 'arn:aws:acm:eu-west-1:000000000000:certificate/none' })],
  };
  for (const [service, [operation, code, command]] of Object.entries(probes)) {
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, throttleRate: 1, times: 1 }] });
    await expectError(service, `${operation} (throttled)`, command(), code, {
      client: single[service],
      check: (e) => isThrottlingError(e) && e.$metadata.httpStatusCode === (service === 's3' ? 503 : 400) ? undefined : `not classified as throttling (${e.$metadata.httpStatusCode})`,
    });
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, errorRate: 1, errorStatus: 500, times: 1 }] });
    await expectError(service, `${operation} (server error)`, command(), service === 's3' ? 'InternalError' : 'InternalFailure', {
      client: single[service],
      check: (e) => isTransientError(e) && e.$fault === 'server' ? undefined : `not classified as transient (${e.$metadata.httpStatusCode}, ${e.$fault})`,
    });
    // With its default retry strategy the client retries through two throttled answers and succeeds.
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, throttleRate: 1, times: 2 }] });
    try {
      const output = await clients[service].send(command());
      record(service, `${operation} (retried)`, output.$metadata.attempts === 3, `attempts: ${output.$metadata.attempts}`);
    } catch (error) {
      const retried = error.$metadata?.attempts === 3 && !['Throttling', 'ThrottlingException', 'SlowDown'].includes(error.name);
      record(service, `${operation} (retried)`, retried, `${error.name} after ${error.$metadata?.attempts} attempts`);
    }
  }
}

async function cleanUp(stack) {
  await call('cloudformation', new DeleteStackCommand({ StackName: stack.name, ClientRequestToken: 'delete-1' }));
  await until('stack deletion', async () => {
    const described = await call('cloudformation', new DescribeStacksCommand({ StackName: stack.stackId }));
    return described.Stacks[0].StackStatus === 'DELETE_COMPLETE';
  });
  await expectError('cloudformation', 'DescribeStacks (deleted stack by name)', new DescribeStacksCommand({ StackName: stack.name }), 'ValidationError');
}

async function main() {
  await admin('POST', '/reset');
  await admin('PUT', '/settings', { resourceDelay: '00:00:00.010', actionDelay: '00:00:00.010', changeSetDelay: '00:00:00.020' });
  await admin('POST', '/seed/listeners', { listenerArn, port: 443, protocol: 'HTTPS', certificateArns: ['arn:aws:acm:eu-west-1:000000000000:certificate/conformance'] });
  try {
    const stack = await cloudFormation();
    await loadBalancing(stack.outputs);
    await listenerCertificates(await certificates());
    await secrets(stack.outputs);
    const sourceVersion = await s3(stack.outputs);
    await pipelines(stack.outputs, sourceVersion);
    await retries();
    await clockSkew(stack.outputs);
    await cleanUp(stack);
  } catch (error) {
    if (!results.some((r) => !r.ok)) record('harness', 'run', false, `${error.name}: ${error.message}`);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(JSON.stringify({ results, failed: failed.length }, null, 2));
  process.exit(failed.length === 0 ? 0 : 1);
}

await main();
