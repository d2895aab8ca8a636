#!/usr/bin/env node
// Validates CloudFormation YAML templates against AWS's CloudFormation resource specification
// as published in @aws-cdk/aws-service-spec (the database the AWS CDK generates its L1 classes from).
// Usage: node validate.mjs template.yaml [more.yaml ...]
// Prints one line per problem ("file: path: message") and exits 1 when any template has a problem.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const require = createRequire(import.meta.url);

function loadSpec() {
  const dbFile = path.join(path.dirname(require.resolve('@aws-cdk/aws-service-spec/package.json')), 'db.json.gz');
  const db = JSON.parse(zlib.gunzipSync(fs.readFileSync(dbFile)));
  const resources = new Map(db.schema.resource.entities.map((r) => [r.cloudFormationType, r]));
  const typeDefinitions = new Map(db.schema.typeDefinition.entities.map((t) => [t.$id, t]));
  return { resources, typeDefinitions };
}

// ---------- YAML with CloudFormation short tags ----------
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'If', 'Equals', 'And', 'Or', 'Not'];

function shortTags() {
  const tags = [];
  const add = (tag, build) => {
    for (const collection of [undefined, 'seq', 'map']) {
      tags.push({
        tag: `!${tag}`,
        ...(collection ? { collection } : {}),
        resolve: (value) => build(value && typeof value.toJSON === 'function' ? value.toJSON() : value),
      });
    }
  };
  add('Ref', (v) => ({ Ref: v }));
  add('Condition', (v) => ({ Condition: v }));
  add('GetAtt', (v) => ({ 'Fn::GetAtt': typeof v === 'string' ? splitGetAtt(v) : v }));
  for (const fn of FUNCTIONS) add(fn, (v) => ({ [`Fn::${fn}`]: v }));
  return tags;
}

function splitGetAtt(text) {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

export function parseTemplate(text) {
  const doc = YAML.parseDocument(text, { customTags: shortTags(), uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
  return doc.toJS({ maxAliasCount: -1 });
}

// ---------- checks ----------
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Resources', 'Outputs']);
const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::(Name|Value<.+>))$/;
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const POLICIES = new Set(['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate']);

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const intrinsicName = (v) => {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition') ? keys[0] : undefined;
};

export function validateTemplate(template, spec) {
  const problems = [];
  const report = (where, message) => problems.push(`${where}: ${message}`);
  if (!isObject(template)) return ['(root): not a mapping'];

  for (const key of Object.keys(template)) {
    if (!TOP_LEVEL.has(key)) report(key, key === 'Transform' ? 'transforms and macros are not allowed' : 'unknown top-level section');
  }
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  const resources = template.Resources ?? {};
  const mappings = template.Mappings ?? {};
  if (!isObject(resources) || Object.keys(resources).length === 0) report('Resources', 'a template needs at least one resource');

  for (const [name, parameter] of Object.entries(parameters)) {
    if (!isObject(parameter) || typeof parameter.Type !== 'string' || !PARAMETER_TYPES.test(parameter.Type)) {
      report(`Parameters.${name}.Type`, `invalid parameter type ${JSON.stringify(parameter?.Type)}`);
    } else if (parameter.AllowedValues && parameter.Default !== undefined && parameter.Type !== 'CommaDelimitedList'
      && !parameter.AllowedValues.map(String).includes(String(parameter.Default))) {
      report(`Parameters.${name}.Default`, `default ${parameter.Default} is not among AllowedValues`);
    }
  }

  const context = { parameters, conditions, resources, mappings, spec, report, holds: new Set() };
  const holding = (condition) => new Set(condition === undefined ? [] : [condition]);
  for (const [name, condition] of Object.entries(conditions)) checkIntrinsics(condition, `Conditions.${name}`, context, { inCondition: true });

  for (const [logicalId, resource] of Object.entries(resources)) {
    const where = `Resources.${logicalId}`;
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) report(where, 'logical ids must be alphanumeric');
    if (!isObject(resource)) { report(where, 'not a mapping'); continue; }
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) report(`${where}.${key}`, 'unknown resource attribute');
    if (resource.Condition !== undefined && !(resource.Condition in conditions)) report(`${where}.Condition`, `unknown condition ${resource.Condition}`);
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!(dependency in resources)) report(`${where}.DependsOn`, `unknown resource ${dependency}`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      if (resource[policy] !== undefined && !POLICIES.has(resource[policy])) report(`${where}.${policy}`, `invalid value ${resource[policy]}`);
    }
    const type = spec.resources.get(resource.Type);
    if (!type) { report(`${where}.Type`, `unknown resource type ${resource.Type}`); continue; }
    const properties = resource.Properties ?? {};
    if (!isObject(properties)) { report(`${where}.Properties`, 'not a mapping'); continue; }
    checkProperties(properties, type.properties, `${where}.Properties`, { ...context, holds: holding(resource.Condition) }, resource.Type);
  }

  const cycle = findCycle(resources);
  if (cycle) report('Resources', `circular dependency: ${cycle.join(' -> ')}`);

  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const where = `Outputs.${name}`;
    if (!isObject(output) || output.Value === undefined) { report(where, 'an output needs a Value'); continue; }
    if (output.Condition !== undefined && !(output.Condition in conditions)) report(`${where}.Condition`, `unknown condition ${output.Condition}`);
    checkIntrinsics(output.Value, `${where}.Value`, { ...context, holds: holding(output.Condition) }, {});
    if (output.Export) checkIntrinsics(output.Export, `${where}.Export`, context, {});
  }
  return problems;
}

function checkProperties(value, propertySpecs, where, context, typeName) {
  for (const [name, propertySpec] of Object.entries(propertySpecs)) {
    if (propertySpec.required && value[name] === undefined) context.report(where, `${typeName} requires property ${name}`);
  }
  for (const [name, propertyValue] of Object.entries(value)) {
    const propertySpec = propertySpecs[name];
    if (!propertySpec) { context.report(`${where}.${name}`, `${typeName} has no property ${name}`); continue; }
    const candidates = [propertySpec.type, ...(propertySpec.previousTypes ?? [])];
    checkAgainstTypes(propertyValue, candidates, `${where}.${name}`, context);
  }
}

// A value is valid when it fits any of the candidate types (current type or an older one AWS still accepts).
function checkAgainstTypes(value, candidates, where, context) {
  let best;
  for (const candidate of candidates) {
    const problems = [];
    checkValue(value, candidate, where, { ...context, report: (w, m) => problems.push(`${w}: ${m}`) });
    if (problems.length === 0) return;
    if (!best || problems.length < best.length) best = problems;
  }
  for (const problem of best) {
    const split = problem.indexOf(': ');
    context.report(problem.slice(0, split), problem.slice(split + 2));
  }
}

function checkValue(value, type, where, context) {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    // Each branch must fit the property's type; AWS::NoValue removes the property.
    checkIntrinsicShape(value, where, context);
    const args = value['Fn::If'];
    if (Array.isArray(args) && args.length === 3) {
      args.slice(1).forEach((branch, index) => {
        if (!isNoValue(branch)) checkValue(branch, type, where, withBranch(context, args[0], index === 0));
      });
    }
    return;
  }
  if (fn) { checkIntrinsics(value, where, context, {}); return; }
  switch (type.type) {
    case 'string':
    case 'date-time':
      if (isObject(value) || Array.isArray(value)) context.report(where, `expected a string, got ${describe(value)}`);
      return;
    case 'integer':
    case 'number':
      if (!(typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))))) {
        context.report(where, `expected a number, got ${describe(value)}`);
      }
      return;
    case 'boolean':
      if (!(typeof value === 'boolean' || value === 'true' || value === 'false')) context.report(where, `expected a boolean, got ${describe(value)}`);
      return;
    case 'json':
      checkIntrinsics(value, where, context, {});
      return;
    case 'array':
      if (!Array.isArray(value)) { context.report(where, `expected a list, got ${describe(value)}`); return; }
      value.forEach((item, index) => {
        if (!isNoValue(item)) checkValue(item, type.element, `${where}[${index}]`, context);
      });
      return;
    case 'map':
      if (!isObject(value)) { context.report(where, `expected a mapping, got ${describe(value)}`); return; }
      for (const [key, item] of Object.entries(value)) checkValue(item, type.element, `${where}.${key}`, context);
      return;
    case 'tag':
      if (!isObject(value)) { context.report(where, `expected a tag, got ${describe(value)}`); return; }
      checkProperties(value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, where, context, 'Tag');
      return;
    case 'ref': {
      const definition = context.spec.typeDefinitions.get(type.reference.$ref);
      if (!isObject(value)) { context.report(where, `expected ${definition.name}, got ${describe(value)}`); return; }
      checkProperties(value, definition.properties, where, context, definition.name);
      return;
    }
    case 'union':
      checkAgainstTypes(value, type.types, where, context);
      return;
    default:
      context.report(where, `the specification has an unknown type kind ${type.type}`);
  }
}

const isNoValue = (v) => isObject(v) && v.Ref === 'AWS::NoValue';
const describe = (v) => (Array.isArray(v) ? 'a list' : isObject(v) ? 'a mapping' : JSON.stringify(v));

// Walks any value and checks every intrinsic function inside it: targets exist, arguments have the right shape.
function checkIntrinsics(value, where, context, options) {
  if (Array.isArray(value)) { value.forEach((item, index) => checkIntrinsics(item, `${where}[${index}]`, context, options)); return; }
  if (!isObject(value)) return;
  if (intrinsicName(value)) { checkIntrinsicShape(value, where, context, options); return; }
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('Fn::')) context.report(`${where}.${key}`, `${key} must be the only key of its mapping`);
    checkIntrinsics(item, `${where}.${key}`, context, options);
  }
}

function checkIntrinsicShape(value, where, context, options = {}) {
  const fn = intrinsicName(value);
  const args = value[fn];
  const { parameters, conditions, resources, report } = context;
  const expectList = (min, max = min) => {
    if (!Array.isArray(args) || args.length < min || args.length > max) {
      report(where, `${fn} expects a list of ${min === max ? min : `${min}-${max}`} arguments`);
      return false;
    }
    return true;
  };
  switch (fn) {
    case 'Ref':
      if (typeof args !== 'string') report(where, 'Ref expects a name');
      else if (options.inCondition && args in resources) report(where, `conditions may not reference resource ${args}`);
      else if (!(args in parameters) && !(args in resources) && !PSEUDO.has(args)) report(where, `Ref to unknown parameter or resource ${args}`);
      else if (args in resources) checkConditionalTarget(args, where, context);
      return;
    case 'Condition':
      if (!(args in conditions)) report(where, `unknown condition ${args}`);
      return;
    case 'Fn::GetAtt':
      if (!expectList(2)) return;
      checkGetAtt(args[0], args[1], where, context);
      return;
    case 'Fn::Sub':
      checkSub(args, where, context, options);
      return;
    case 'Fn::If':
      if (!expectList(3)) return;
      if (!(args[0] in conditions)) report(where, `Fn::If names unknown condition ${args[0]}`);
      checkIntrinsics(args[1], where, withBranch(context, args[0], true), options);
      checkIntrinsics(args[2], where, withBranch(context, args[0], false), options);
      return;
    case 'Fn::Equals':
      if (expectList(2)) checkIntrinsics(args, where, context, options);
      return;
    case 'Fn::And':
    case 'Fn::Or':
      if (expectList(2, 10)) checkIntrinsics(args, where, context, options);
      return;
    case 'Fn::Not':
      if (expectList(1)) checkIntrinsics(args, where, context, options);
      return;
    case 'Fn::Join':
      if (expectList(2)) {
        if (typeof args[0] !== 'string') report(where, 'Fn::Join needs a literal delimiter');
        checkIntrinsics(args[1], where, context, options);
      }
      return;
    case 'Fn::Select':
    case 'Fn::Split':
      if (expectList(2)) checkIntrinsics(args, where, context, options);
      return;
    case 'Fn::FindInMap':
      if (expectList(3)) {
        if (typeof args[0] === 'string' && !(args[0] in context.mappings)) report(where, `unknown mapping ${args[0]}`);
        checkIntrinsics(args, where, context, options);
      }
      return;
    case 'Fn::Cidr':
      if (expectList(3)) checkIntrinsics(args, where, context, options);
      return;
    case 'Fn::GetAZs':
    case 'Fn::Base64':
    case 'Fn::ImportValue':
      checkIntrinsics(args, where, context, options);
      return;
    default:
      report(where, `unsupported intrinsic function ${fn}`);
  }
}

function checkGetAtt(logicalId, attribute, where, context) {
  const { resources, spec, report } = context;
  const resource = resources[logicalId];
  if (!resource) { report(where, `Fn::GetAtt on unknown resource ${logicalId}`); return; }
  checkConditionalTarget(logicalId, where, context);
  if (typeof attribute !== 'string') return;
  const type = spec.resources.get(resource.Type);
  if (type && !(attribute in type.attributes)) report(where, `${resource.Type} has no attribute ${attribute}`);
}

const withBranch = (context, condition, holds) => ({ ...context, holds: new Set([...context.holds, holds ? condition : `!${condition}`]) });

// A resource created only under a condition may be referenced only where that condition is known to hold:
// in a resource or output with the same condition, or inside the matching branch of Fn::If.
function checkConditionalTarget(logicalId, where, { resources, conditions, holds, report }) {
  const required = resources[logicalId]?.Condition;
  if (required === undefined || holds === undefined || implied(required, holds, conditions)) return;
  report(where, `references ${logicalId}, which exists only when ${required} holds; guard it with Fn::If or the same Condition`);
}

function implied(condition, holds, conditions) {
  if (holds.has(condition)) return true;
  const definition = conditions[condition];
  const negated = definition?.['Fn::Not']?.[0]?.Condition;
  if (negated !== undefined && holds.has(`!${negated}`)) return true;
  // A condition defined as Fn::And of conditions holds where each of them does.
  const parts = definition?.['Fn::And'];
  if (Array.isArray(parts) && parts.every((part) => typeof part?.Condition === 'string')
    && parts.every((part) => implied(part.Condition, holds, conditions))) return true;
  // A known condition defined as Fn::And implies each condition it lists.
  return [...holds].some((known) => (conditions[known]?.['Fn::And'] ?? []).some((part) => part?.Condition === condition));
}

function checkSub(args, where, context, options) {
  let text = args;
  let locals = {};
  if (Array.isArray(args)) {
    if (args.length !== 2 || typeof args[0] !== 'string' || !isObject(args[1])) { context.report(where, 'Fn::Sub expects a string or [string, variables]'); return; }
    [text, locals] = args;
    checkIntrinsics(locals, where, context, options);
  }
  if (typeof text !== 'string') { context.report(where, 'Fn::Sub expects a string'); return; }
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const variable = match[1].trim();
    if (variable.startsWith('!')) continue;
    if (variable in locals) continue;
    const dot = variable.indexOf('.');
    if (dot > 0 && !PSEUDO.has(variable)) checkGetAtt(variable.slice(0, dot), variable.slice(dot + 1), where, context);
    else checkIntrinsicShape({ Ref: variable }, where, context, options);
  }
}

// ---------- dependencies ----------
// Logical ids a value depends on through Ref, Fn::GetAtt and Fn::Sub.
function referencedIds(value, found = new Set()) {
  if (Array.isArray(value)) { value.forEach((item) => referencedIds(item, found)); return found; }
  if (!isObject(value)) return found;
  if (typeof value.Ref === 'string') found.add(value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
  const sub = value['Fn::Sub'];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text === 'string') {
    for (const match of text.matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) found.add(match[1].trim());
  }
  for (const item of Object.values(value)) referencedIds(item, found);
  return found;
}

function findCycle(resources) {
  const edges = new Map(Object.entries(resources).map(([id, resource]) => {
    const targets = referencedIds(resource?.Properties);
    for (const dependency of [resource?.DependsOn ?? []].flat()) targets.add(dependency);
    return [id, [...targets].filter((target) => target in resources)];
  }));
  const state = new Map(); // 1 = on the current path, 2 = done
  const path = [];
  const visit = (id) => {
    if (state.get(id) === 2) return undefined;
    if (state.get(id) === 1) return [...path.slice(path.indexOf(id)), id];
    state.set(id, 1);
    path.push(id);
    for (const target of edges.get(id)) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

// ---------- command line ----------
function main(files) {
  if (files.length === 0) {
    console.error('usage: node validate.mjs template.yaml [more.yaml ...]');
    return 2;
  }
  const spec = loadSpec();
  let failed = 0;
  for (const file of files) {
    let problems;
    try {
      problems = validateTemplate(parseTemplate(fs.readFileSync(file, 'utf8')), spec);
    } catch (error) {
      problems = [`(parse): ${error.message}`];
    }
    if (problems.length === 0) {
      console.log(`ok ${file}`);
    } else {
      failed++;
      for (const problem of problems) console.log(`${file}: ${problem}`);
    }
  }
  console.log(`${files.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
