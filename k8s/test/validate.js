#!/usr/bin/env node
// Validates rendered manifests (multi-document YAML files given as
// arguments) against the Kubernetes and prometheus-operator schemas of the
// kubernetes-models packages, then checks reachrank's own conventions:
// app.kubernetes.io labels, probes, resources, non-root security contexts,
// references to ConfigMaps that exist and least-privilege Secret mounts.
// Exits 1 listing every problem.
'use strict';

const fs = require('fs');
const YAML = require('yaml');

// apiVersion -> module exporting one class per kind.
function modelModule(apiVersion) {
  if (apiVersion === 'monitoring.coreos.com/v1') {
    return require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1');
  }
  if (apiVersion.includes('.') && !apiVersion.endsWith('.k8s.io/v1') &&
      !/\.k8s\.io\/v\d/.test(apiVersion)) {
    return null;
  }
  try {
    return require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);
const problems = [];
const objects = [];

function where(obj) {
  return `${obj.kind}/${obj.metadata && obj.metadata.name}`;
}

function checkSchema(obj) {
  const mod = modelModule(String(obj.apiVersion));
  const Model = mod && mod[obj.kind];
  if (!Model) {
    problems.push(`${where(obj)}: no schema for ${obj.apiVersion} ${obj.kind}`);
    return;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${where(obj)}: ${e.message}`);
  }
}

function checkContainer(obj, c, probes) {
  const at = `${where(obj)} container ${c.name}`;
  const r = c.resources || {};
  for (const k of ['requests', 'limits']) {
    if (!r[k] || !r[k].memory || !r[k].cpu) problems.push(`${at}: no cpu/memory ${k}`);
  }
  const sc = c.securityContext || {};
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
  const drop = ((sc.capabilities || {}).drop || []);
  if (!drop.includes('ALL')) problems.push(`${at}: capabilities not dropped`);
  if (!probes) return;
  for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    if (!c[p] || !c[p].grpc || !c[p].grpc.port) problems.push(`${at}: no gRPC ${p}`);
  }
}

function checkWorkload(obj, names) {
  const tmpl = obj.kind === 'Job' ? obj.spec.template : obj.spec.template;
  const pod = tmpl.spec || {};
  const psc = pod.securityContext || {};
  if (psc.runAsNonRoot !== true) problems.push(`${where(obj)}: pod may run as root`);
  if (obj.kind !== 'Job') {
    const sel = (obj.spec.selector || {}).matchLabels || {};
    const labels = (tmpl.metadata || {}).labels || {};
    for (const [k, v] of Object.entries(sel)) {
      if (labels[k] !== v) problems.push(`${where(obj)}: selector ${k}=${v} does not match the pod template`);
    }
  }
  for (const c of pod.containers || []) {
    checkContainer(obj, c, obj.kind !== 'Job');
    for (const e of c.envFrom || []) {
      if (e.configMapRef && !names.has(`ConfigMap/${e.configMapRef.name}`)) {
        problems.push(`${where(obj)}: envFrom names missing ConfigMap ${e.configMapRef.name}`);
      }
    }
  }
  for (const v of pod.volumes || []) {
    if (v.configMap && !names.has(`ConfigMap/${v.configMap.name}`)) {
      problems.push(`${where(obj)}: volume ${v.name} names missing ConfigMap ${v.configMap.name}`);
    }
  }
  checkSecrets(obj, pod);
}

// The servers' Secret (certificate, key, tokens file) and the files only a
// server may read, whichever Secret holds them.
const SERVER_SECRET = 'reachrank-tls';
const SERVER_ONLY_KEYS = new Set(['tls.key', 'tokens']);

// A server container listens; the others (the batch Job) are clients only.
function serves(c) {
  return [...(c.command || []), ...(c.args || [])].some(
      (a) => /^--listen[= ]/.test(a));
}

// Secret volumes mount only the files listed under items:, stay optional
// (TLS is off until the operator creates the Secrets), are read-only for
// uid 10001 through fsGroup and nobody else; the servers' Secret and the
// server-only files are mounted only into server containers.
function checkSecrets(obj, pod) {
  const secrets = new Map();
  for (const v of pod.volumes || []) {
    const refs = v.secret ?
        [{...v.secret, name: v.secret.secretName, mode: v.secret.defaultMode}] :
        ((v.projected || {}).sources || [])
            .filter((s) => s.secret)
            .map((s) => ({...s.secret, mode: v.projected.defaultMode}));
    if (refs.length === 0) continue;
    secrets.set(v.name, refs);
    for (const ref of refs) {
      const at = `${where(obj)}: volume ${v.name} (Secret ${ref.name})`;
      if (!ref.items || ref.items.length === 0) {
        problems.push(`${
            at}: mounts every key; list the files its containers need under items`);
      }
      if (ref.optional !== true)
        problems.push(
            `${at}: not optional (TLS stays off until the Secret exists)`);
      for (const [what, mode] of [
               ['defaultMode', ref.mode ?? 0o644],
               ...(ref.items || [])
                   .filter((i) => i.mode !== undefined)
                   .map((i) => [`item ${i.key} mode`, i.mode])]) {
        if ((mode & ~0o440) !== 0 || (mode & 0o040) === 0) {
          problems.push(`${at}: ${what} 0${
              mode.toString(
                  8)} is not group-read only (0440: uid 10001 reads through fsGroup)`);
        }
      }
      if ((pod.securityContext || {}).fsGroup === undefined) {
        problems.push(`${at}: no pod fsGroup, uid 10001 cannot read the files`);
      }
    }
  }
  const containers = [...(pod.initContainers || []), ...(pod.containers || [])];
  if (!containers.some(serves)) {
    for (const [name, refs] of secrets) {
      if (refs.some((r) => r.name === SERVER_SECRET)) {
        problems.push(`${where(obj)}: volume ${
            name}: a client-only pod declares the servers' Secret ${
            SERVER_SECRET}`);
      }
    }
  }
  for (const c of containers) {
    if (serves(c)) continue;
    for (const m of c.volumeMounts || []) {
      for (const ref of secrets.get(m.name) || []) {
        const at = `${where(obj)} container ${c.name}: volume ${m.name}`;
        if (ref.name === SERVER_SECRET) {
          problems.push(
              `${at}: a client mounts the servers' Secret ${SERVER_SECRET}`);
        }
        const keys = (ref.items || [])
                         .map((i) => i.key)
                         .filter((k) => SERVER_ONLY_KEYS.has(k));
        if (keys.length)
          problems.push(`${at}: a client mounts server-only ${
              keys.join(', ')} of Secret ${ref.name}`);
      }
    }
  }
}

// Each shard refuses the authors that the routing gives to another, so a
// shard's SHARDS (from its ConfigMaps) must equal the StatefulSet's replicas.
function checkShardCount(obj, configMaps) {
  const replicas = obj.spec.replicas ?? 1;
  for (const c of obj.spec.template.spec.containers || []) {
    if (!(c.args || []).some((a) => a.includes('$(SHARDS)'))) continue;
    const values = (c.envFrom || [])
      .map((e) => e.configMapRef && configMaps.get(e.configMapRef.name))
      .filter((data) => data && data.SHARDS !== undefined)
      .map((data) => data.SHARDS);
    if (values.length !== 1 || Number(values[0]) !== replicas) {
      problems.push(`${where(obj)}: container ${c.name}: SHARDS ${values.join(',') || 'unset'} is not the ${replicas} replicas`);
    }
  }
}

function checkLabels(obj) {
  const labels = (obj.metadata || {}).labels || {};
  if (labels['app.kubernetes.io/part-of'] !== 'reachrank') {
    problems.push(`${where(obj)}: no app.kubernetes.io/part-of=reachrank label`);
  }
  if (obj.kind !== 'Namespace' && obj.kind !== 'ConfigMap' && !labels['app.kubernetes.io/name']) {
    problems.push(`${where(obj)}: no app.kubernetes.io/name label`);
  }
}

for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const doc of docs) {
    if (doc.errors.length) {
      problems.push(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const obj = doc.toJSON();
    if (obj) objects.push({ file, obj });
  }
}
if (objects.length === 0) problems.push('no objects to validate');
const names = new Set(objects.map(({ obj }) => `${obj.kind}/${obj.metadata.name}`));
const configMaps = new Map(objects.filter(({ obj }) => obj.kind === 'ConfigMap')
  .map(({ obj }) => [obj.metadata.name, obj.data || {}]));
const kinds = {};
for (const { obj } of objects) {
  if (obj.kind === 'StatefulSet') checkShardCount(obj, configMaps);
  checkSchema(obj);
  checkLabels(obj);
  if (WORKLOADS.has(obj.kind)) checkWorkload(obj, names);
  kinds[obj.kind] = (kinds[obj.kind] || 0) + 1;
}
const summary = Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ');
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  console.error(`${problems.length} problem(s) in ${objects.length} objects`);
  process.exit(1);
}
console.log(`validated ${objects.length} objects (${summary}) from ${process.argv.length - 2} file(s)`);
