// Validates Kubernetes manifests (a multi-document YAML stream on stdin, e.g. `helm template` output) against the
// Kubernetes, KEDA and Prometheus Operator schemas of the npm packages in .ci/manifest-validator, plus the limits the
// API server enforces beyond the schemas (name and label lengths). Prints the documents as one JSON array on stdout
// for tests to inspect; on any problem prints one line per problem on stderr and exits 1.
//
// The packages are looked up in $TAGWORKER_NODE_MODULES, else .ci/cache/manifest-validator/node_modules (where
// .ci/fetch-tools installs them).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.TAGWORKER_NODE_MODULES || join(here, "cache", "manifest-validator", "node_modules");
if (!existsSync(join(modules, "kubernetes-models"))) {
  console.error(`validate-manifests: no schema packages in ${modules}; run .ci/fetch-tools`);
  process.exit(2);
}

const load = async (path) => import(pathToFileURL(join(modules, path)).href);
const yaml = await load("yaml/dist/index.js");
const parseAllDocuments = yaml.parseAllDocuments ?? yaml.default.parseAllDocuments;

// Where each API group's models live.
const packages = ["kubernetes-models", "@kubernetes-models/keda", "@kubernetes-models/prometheus-operator"];

async function modelFor(apiVersion, kind) {
  for (const pkg of packages) {
    const file = join(pkg, ...apiVersion.split("/"), `${kind}.js`);
    if (existsSync(join(modules, file))) {
      const module = await load(file);
      return module[kind];
    }
  }
  return null;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkLabels(where, labels, problems) {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const text = String(value);
    if (text.length > 63 || !labelValue.test(text)) {
      problems.push(`${where}: label ${key}=${text} is not a valid label value (at most 63 characters, alphanumeric at both ends)`);
    }
  }
}

function checkLimits(doc, where, problems) {
  const name = doc.metadata?.name ?? "";
  if (!dns1123Subdomain.test(name) || name.length > 253) {
    problems.push(`${where}: metadata.name ${name} is not a DNS-1123 subdomain`);
  }
  if (doc.kind === "Service" && (name.length > 63 || !dns1123Label.test(name))) {
    problems.push(`${where}: a Service name must be a DNS-1123 label of at most 63 characters`);
  }
  if (doc.kind === "StatefulSet" && name.length > 52) {
    // The controller labels every pod controller-revision-hash=<name>-<10 characters>.
    problems.push(`${where}: StatefulSet name ${name} has ${name.length} characters; at most 52 leave its pods' controller-revision-hash label within 63`);
  }
  checkLabels(where, doc.metadata?.labels, problems);
  const template = doc.spec?.template;
  if (template) {
    checkLabels(`${where} pod template`, template.metadata?.labels, problems);
    for (const container of template.spec?.containers ?? []) {
      const names = (container.env ?? []).map((e) => e.name);
      const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
      if (duplicates.length > 0) {
        problems.push(`${where}: container ${container.name} sets ${[...new Set(duplicates)].join(", ")} more than once`);
      }
    }
  }
  if (doc.kind === "ConfigMap") {
    for (const key of Object.keys(doc.data ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) {
        problems.push(`${where}: ConfigMap key ${key} is not a valid key`);
      }
    }
  }
}

const problems = [];
const documents = [];
const input = readFileSync(0, "utf8");
for (const parsed of parseAllDocuments(input)) {
  if (parsed.errors?.length) {
    problems.push(...parsed.errors.map((e) => `YAML: ${e.message}`));
    continue;
  }
  const doc = parsed.toJS();
  if (doc === null || doc === undefined) {
    continue;
  }
  const where = `${doc.kind ?? "?"} ${doc.metadata?.name ?? "?"}`;
  if (!doc.apiVersion || !doc.kind) {
    problems.push(`${where}: apiVersion and kind are required`);
    continue;
  }
  const Model = await modelFor(doc.apiVersion, doc.kind);
  if (!Model) {
    problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message}`);
  }
  checkLimits(doc, where, problems);
  documents.push(doc);
}

if (documents.length === 0 && problems.length === 0) {
  problems.push("no manifests on stdin");
}
if (problems.length > 0) {
  for (const problem of problems) {
    console.error(problem);
  }
  process.exit(1);
}
process.stdout.write(JSON.stringify(documents));
