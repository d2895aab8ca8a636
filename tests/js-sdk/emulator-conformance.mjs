#!/usr/bin/env node
// Proof of wire compatibility: the official AWS SDK for JavaScript v3 calls every operation the portal uses
// against the AWS emulator and must parse every answer, including error answers and throttling answers, which
// it must classify as retryable.
// Usage: node emulator-conformance.mjs http://127.0.0.1:4566
// Prints one JSON document: { "results": [{ "service", "operation", "ok", "detail" }], "failed": n }; exits 1 on a failure.
import {
  CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand,
  DescribeStackEventsCommand, DescribeStackResourcesCommand, CreateChangeSetCommand, DescribeChangeSetCommand,
  ExecuteChangeSetCommand, DeleteChangeSetCommand, ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CodePipelineClient, StartPipelineExecutionCommand, GetPipelineStateCommand, GetPipelineExecutionCommand,
  ListPipelineExecutionsCommand, PutApprovalResultCommand, StopPipelineExecutionCommand, RetryStageExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import {
  ElasticLoadBalancingV2Client, DescribeListenersCommand, DescribeRulesCommand, CreateRuleCommand, ModifyRuleCommand,
  DeleteRuleCommand, SetRulePrioritiesCommand, DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, DescribeSecretCommand,
  DeleteSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';

const endpoint = process.argv[2] ?? 'http://127.0.0.1:4566';
const region = 'eu-west-1';
const listenerArn = 'arn:aws:elasticloadbalancing:eu-west-1:000000000000:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2';
const config = { endpoint, region, credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' } };
const clients = {
  cloudformation: new CloudFormationClient(config),
  codepipeline: new CodePipelineClient(config),
  elasticloadbalancing: new ElasticLoadBalancingV2Client(config),
  secretsmanager: new SecretsManagerClient(config),
};
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
      ArtifactStore: { Type: S3, Location: artifacts }
      Variables: [{ Name: CommitId, DefaultValue: unknown }]
      Stages:
        - Name: Source
          Actions: [{ Name: Fetch, ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }, Configuration: { S3Bucket: artifacts, S3ObjectKey: src.zip } }]
        - Name: Build
          Actions: [{ Name: Compile, ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }, Configuration: { ProjectName: build } }]
        - Name: Approval
          Actions: [{ Name: Approve, ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" } }]
        - Name: Deploy
          Actions: [{ Name: Release, ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }, Configuration: { ApplicationName: app } }]
Outputs:
  TargetGroupArn: { Value: !Ref Targets }
  RuleArn: { Value: !Ref Rule }
  SecretArn: { Value: !Ref Password }
  PipelineName: { Value: !Ref Pipeline }
`;

async function cloudFormation() {
  const cf = 'cloudformation';
  const name = 'conformance';
  await call(cf, new ValidateTemplateCommand({ TemplateBody: template(10) }),
    (o) => o.Parameters.length === 2 && o.Capabilities[0] === 'CAPABILITY_IAM' ? undefined : `unexpected answer ${JSON.stringify(o)}`);
  const parameters = (priority) => [{ ParameterKey: 'Priority', ParameterValue: String(priority) }, { ParameterKey: 'HostName', ParameterValue: 'app.example.com' }];
  const created = await call(cf, new CreateStackCommand({
    StackName: name, TemplateBody: template(10), Parameters: parameters(10), Capabilities: ['CAPABILITY_IAM'],
    Tags: [{ Key: 'portal:customer', Value: 'acme' }], ClientRequestToken: 'create-1',
  }), (o) => o.StackId?.startsWith('arn:aws:cloudformation:eu-west-1:') ? undefined : `no stack id: ${JSON.stringify(o)}`);
  const stack = await settled(name, 'CREATE_COMPLETE');
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
    (o) => o.StackResources.length === 6 && o.StackResources.every((r) => r.ResourceStatus === 'CREATE_COMPLETE' && r.PhysicalResourceId) ? undefined : 'resources not all created');

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
  await expectError(cf, 'CreateStack (already exists)', new CreateStackCommand({ StackName: name, TemplateBody: template(10), Parameters: parameters(10), Capabilities: ['CAPABILITY_IAM'] }), 'AlreadyExistsException');
  return { name, outputs: Object.fromEntries((await stackStatus(name)).Outputs.map((o) => [o.OutputKey, o.OutputValue])), stackId: stack.StackId };
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

async function pipelines(outputs) {
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
  if (execution.status !== 'Succeeded' || execution.variables[0]?.resolvedValue !== 'abc123')
    record(cp, 'GetPipelineExecution', false, `unexpected ${JSON.stringify(execution)}`);
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
    (o) => o.pipelineExecutionSummaries[0]?.pipelineExecutionId === started.pipelineExecutionId && o.pipelineExecutionSummaries[0].startTime instanceof Date ? undefined : 'second page is not the older execution');
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
  };
  for (const [service, [operation, code, command]] of Object.entries(probes)) {
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, throttleRate: 1, times: 1 }] });
    await expectError(service, `${operation} (throttled)`, command(), code, {
      client: single[service],
      check: (e) => isThrottlingError(e) && e.$metadata.httpStatusCode === 400 ? undefined : `not classified as throttling (${e.$metadata.httpStatusCode})`,
    });
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, errorRate: 1, errorStatus: 500, times: 1 }] });
    await expectError(service, `${operation} (server error)`, command(), 'InternalFailure', {
      client: single[service],
      check: (e) => isTransientError(e) && e.$fault === 'server' ? undefined : `not classified as transient (${e.$metadata.httpStatusCode}, ${e.$fault})`,
    });
    // With its default retry strategy the client retries through two throttled answers and succeeds.
    await admin('POST', '/faults', { operations: [{ operation: `${service}:${operation}`, throttleRate: 1, times: 2 }] });
    try {
      const output = await clients[service].send(command());
      record(service, `${operation} (retried)`, output.$metadata.attempts === 3, `attempts: ${output.$metadata.attempts}`);
    } catch (error) {
      const retried = error.$metadata?.attempts === 3 && !['Throttling', 'ThrottlingException'].includes(error.name);
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
    await secrets(stack.outputs);
    await pipelines(stack.outputs);
    await retries();
    await cleanUp(stack);
  } catch (error) {
    if (!results.some((r) => !r.ok)) record('harness', 'run', false, `${error.name}: ${error.message}`);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(JSON.stringify({ results, failed: failed.length }, null, 2));
  process.exit(failed.length === 0 ? 0 : 1);
}

await main();
