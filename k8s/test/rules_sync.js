#!/usr/bin/env node
// Checks that every PrometheusRule in the given (rendered) manifests holds
// exactly the groups of monitoring/prometheus/rules.yml. prometheus-operator
// loads the PrometheusRule (monitoring/prometheusrule.yaml), a plain
// Prometheus loads rules.yml, which promtool tests: a rule changed in one
// file only would reach one kind of Prometheus only. Exits 1 naming the
// first group or rule that differs.
//   rules_sync.js RULES_YML MANIFESTS.yaml...
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

// JSON with sorted keys: key order is not a difference. Nor is white
// space in an expr: kustomize writes a folded (>) scalar with a
// more-indented line back as a literal one with an added blank line, and
// PromQL ignores white space between tokens.
function canonical(v, key) {
  if (Array.isArray(v)) return `[${v.map((e) => canonical(e)).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${
        Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k], k)}`)
            .join(',')}}`;
  }
  if (key === 'expr')
    return JSON.stringify(String(v).replace(/\s+/g, ' ').trim());
  return JSON.stringify(v);
}

function describe(r) {
  if (!r) return 'no rule';
  return `${r.alert ? `alert ${r.alert}` : `record ${r.record}`} ${
      JSON.stringify(r)}`;
}

// The first difference between two group lists, or null.
function difference(want, got) {
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    const w = want[i] || {};
    const g = got[i] || {};
    const at = `group ${i} (${w.name || g.name})`;
    if (w.name !== g.name)
      return `${at}: name ${g.name}, rules.yml has ${w.name}`;
    const wr = w.rules || [];
    const gr = g.rules || [];
    for (let j = 0; j < Math.max(wr.length, gr.length); j++) {
      if (canonical(wr[j]) !== canonical(gr[j])) {
        return `${at} rule ${j}: ${describe(gr[j])}, rules.yml has ${
            describe(wr[j])}`;
      }
    }
    if (canonical(w) !== canonical(g)) return `${at}: its settings differ`;
  }
  return null;
}

const [rulesFile, ...rendered] = process.argv.slice(2);
const problems = [];
const rules = YAML.parse(fs.readFileSync(rulesFile, 'utf8'));
const keys = Object.keys(rules || {});
if (keys.length !== 1 || keys[0] !== 'groups' || !Array.isArray(rules.groups)) {
  problems.push(
      `${rulesFile}: expected only a list of groups, found ${keys.join(', ')}`);
}
let found = 0;
for (const file of rendered) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const obj = doc.toJSON();
    if (!obj || obj.kind !== 'PrometheusRule') continue;
    found++;
    const groups = (obj.spec || {}).groups || [];
    const diff = problems.length ? null : difference(rules.groups, groups);
    if (diff) {
      problems.push(`${file}: PrometheusRule/${obj.metadata.name}: ${diff}`);
    }
  }
}
if (found === 0) problems.push(`no PrometheusRule in ${rendered.join(', ')}`);
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  console.error(
      'regenerate monitoring/prometheusrule.yaml from rules.yml ' +
      '(the command is in its header)');
  process.exit(1);
}
console.log(
    `${found} PrometheusRule(s) hold the ${rules.groups.length} groups ` +
    `(${rules.groups.reduce((n, g) => n + g.rules.length, 0)} rules) ` +
    `of ${path.relative(process.cwd(), rulesFile)}`);
