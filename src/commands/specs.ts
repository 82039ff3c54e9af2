import { formatNames } from '../output/names.js';
import { rootOption, type CommandSpec, type OptionSpecs } from './options.js';

/**
 * Every command's options, declared once. Kept apart from the commands so the
 * top-level help lists them without loading any command module.
 */

/** For the commands that report progress on a terminal during long runs. */
const quietOption = {
  quiet: { type: 'boolean', short: 'q', help: 'no progress lines on the terminal (stderr); the result is unchanged' },
} as const satisfies OptionSpecs;

/** For the commands that render tenants (render, check, plan): the per-tenant render cache. */
const cacheOptions = {
  'cache-dir': { type: 'string', value: 'DIR', help: 'folder of the per-tenant render cache (default: node_modules/.cache/tenantctl under the root)' },
  'no-cache': { type: 'boolean', help: 'render every tenant; read and write no cache (wins over --cache-dir)' },
  workers: { type: 'string', value: 'N', help: 'threads that render the tenants the cache does not have (default: the cores this process can use, fewer than the machine has under a container CPU limit; 1: none besides this one)' },
} as const satisfies OptionSpecs;

/** For the commands a large repository makes slow (render, check): where the time and the memory went. */
const timingsOption = {
  timings: { type: 'boolean', help: "print the time of each phase, the garbage collector's pauses, the peak RSS and the heap limit to stderr" },
} as const satisfies OptionSpecs;

export const renderSpec = {
  name: 'render',
  summary: 'render tenants.yaml through templates/ into rendered/ (atomic: nothing written on error)',
  options: { ...rootOption, ...timingsOption, ...cacheOptions },
} as const satisfies CommandSpec;

export const checkSpec = {
  name: 'check',
  summary: 're-render in memory; fail on drift, schema errors, rule findings and isolation-proof failures',
  options: {
    ...rootOption,
    format: { type: 'string', default: 'text', choices: formatNames, help: 'output format' },
    'schema-location': { type: 'string', multiple: true, value: 'DIR', help: 'extra directory of JSON schemas (`default` for the bundled ones)' },
    crd: { type: 'string', multiple: true, value: 'FILE', help: 'CustomResourceDefinition whose schema validates its custom resources' },
    base: { type: 'string', value: 'REF', help: 'git ref to compare with for removed tenants (default: the upstream merge base)' },
    'allow-removal': { type: 'string', multiple: true, value: 'ID', help: 'tenant whose removal, or move to another cluster, is intended (must name such a tenant)' },
    'allow-no-base': { type: 'boolean', help: 'accept running without a base to compare with (otherwise a warning, and an error when CI=true)' },
    ...timingsOption,
    ...quietOption,
    shard: { type: 'string', value: 'I/N', help: "check part I of N (a CI matrix): its tenants' findings; 1/N also the platform's. Together, the full run" },
    ...cacheOptions,
  },
} as const satisfies CommandSpec;

export const addSpec = {
  name: 'add',
  summary: 'add a tenant to tenants.yaml (idempotent; keeps the rest of the file byte for byte) and render',
  options: {
    ...rootOption,
    'tenant-id': { type: 'string', value: 'ID', required: true, help: 'tenant id (lower-case DNS label; becomes the namespace suffix)' },
    name: { type: 'string', value: 'NAME', help: 'display name (required for a new tenant)' },
    tier: { type: 'string', value: 'TIER', help: 'tier from tenants.yaml (default: the platform default tier)' },
    cluster: { type: 'string', value: 'CLUSTER', help: 'cluster to place the tenant on (multi-cluster repositories)' },
  },
} as const satisfies CommandSpec;

export const planSpec = {
  name: 'plan',
  summary: 'what merging tenants.yaml would change against a git ref: check\'s verdict on the head, tenants added, changed, removed, per object',
  options: {
    ...rootOption,
    base: { type: 'string', value: 'REF', help: 'git ref to compare with (default: the upstream merge base)' },
    format: { type: 'string', default: 'text', choices: ['text', 'markdown', 'json', 'html'], help: 'output format (markdown for a pull-request comment, json for tools, html for a report page with the head\'s check)' },
    ...cacheOptions,
  },
  exitCodes: "0 the plan was printed, whatever its verdict (check's exit status on the head, in the output); 2 usage error, a base that cannot be read, or input that cannot be processed.",
} as const satisfies CommandSpec;

export const reachSpec = {
  name: 'reach',
  summary: 'list or query the connections NetworkPolicies allow between workloads of any manifests',
  description:
    'Lists the connections NetworkPolicies allow between workloads, and to and from external\naddresses; or, with --from and --to, answers one question.',
  options: {
    manifests: { type: 'string', value: 'PATH', required: true, help: 'directory of manifests (YAML or JSON, List kinds too)' },
    from: { type: 'string', value: 'NS/WORKLOAD|CIDR', help: 'source workload (ns/name, or ns/name[Kind]) or external address/CIDR' },
    to: { type: 'string', value: 'NS/WORKLOAD|CIDR', help: 'destination workload or external address/CIDR' },
    port: { type: 'string', value: 'N[/PROTO]', help: 'port and protocol (TCP, UDP, SCTP; default TCP); without it, the full set of allowed ports' },
    format: { type: 'string', default: 'text', choices: ['text', 'json'], help: 'output format' },
    'ipblock-matches-pods': { type: 'boolean', help: 'let ipBlock peers match in-cluster pods by their IPs too' },
  },
  exitCodes: '0 allowed (or listing); 1 denied; 2 usage or input error.',
} as const satisfies CommandSpec;

export const canISpec = {
  name: 'can-i',
  summary: 'offline `kubectl auth can-i` over the RBAC objects of any manifests',
  synopsis: [
    'tenantctl can-i VERB RESOURCE[.GROUP][/SUBRESOURCE] [NAME] --as USER [flags]',
    'tenantctl can-i VERB /NON-RESOURCE-URL --as USER [flags]',
    'tenantctl can-i --list --as USER [flags]',
  ],
  description: 'Answers whether USER may do VERB, from the RBAC objects in the manifests alone\n(no cluster needed), with the arguments and semantics of kubectl auth can-i.',
  positionals: { name: 'VERB RESOURCE [NAME]', help: 'what is asked, as for kubectl auth can-i' },
  options: {
    as: { type: 'string', value: 'USER', help: 'user to evaluate for (system:serviceaccount:NS:NAME for a ServiceAccount); required' },
    'as-group': { type: 'string', multiple: true, value: 'GROUP', help: "group to evaluate with (replaces a ServiceAccount's implicit groups)" },
    namespace: { type: 'string', short: 'n', value: 'NS', help: 'namespace of the request (default "default")' },
    'all-namespaces': { type: 'boolean', short: 'A', help: 'evaluate the request across all namespaces' },
    subresource: { type: 'string', value: 'SUB', help: 'subresource, as an alternative to RESOURCE/SUB' },
    manifests: { type: 'string', value: 'PATH', default: 'rendered', help: 'directory or file of manifests' },
    list: { type: 'boolean', help: 'print every rule the user holds in the namespace' },
    'no-headers': { type: 'boolean', help: 'with --list, omit the header row' },
    explain: { type: 'boolean', help: 'name the bindings and roles behind the answer' },
    quiet: { type: 'boolean', short: 'q', help: 'print nothing; answer with the exit code only' },
  },
  exitCodes: '0 yes (or --list printed); 1 no; 2 usage or input error.',
} as const satisfies CommandSpec;

export const verifySpec = {
  name: 'verify',
  summary: 'validate any manifests (files, directories, stdin): strict schemas, the rules that need no tenants.yaml, isolation',
  description:
    'Reads .yaml, .yml and .json files (multi-document, List kinds too), directories recursively, and -\nfor standard input. Without a tenants.yaml, tenants are recognised by --tenant-label or\n--tenant-prefix; otherwise the isolation matrix is per namespace.',
  positionals: { name: 'PATH|-', help: 'files, directories, or - for standard input', min: 1 },
  options: {
    output: { type: 'string', short: 'o', choices: formatNames, help: 'output format (default: text)' },
    format: { type: 'string', choices: formatNames, help: 'same as --output' },
    'kubernetes-version': { type: 'string', value: 'X.Y', help: 'target Kubernetes release: report API versions it removed or deprecates (1.16 to 1.36)' },
    skip: { type: 'string', multiple: true, value: 'KINDS', help: 'comma-separated kinds or GROUP/VERSION/KIND to ignore (e.g. Secret,v1/ConfigMap)' },
    reject: { type: 'string', multiple: true, value: 'KINDS', help: 'comma-separated kinds or GROUP/VERSION/KIND whose presence is an error' },
    'ignore-missing-schemas': { type: 'boolean', help: 'skip objects no schema location knows instead of reporting them' },
    'schema-location': { type: 'string', multiple: true, value: 'DIR', help: 'extra directory of JSON schemas (`default` for the bundled ones)' },
    crd: { type: 'string', multiple: true, value: 'FILE', help: 'CustomResourceDefinition whose schema validates its custom resources' },
    'tenant-label': { type: 'string', value: 'KEY', help: 'namespaces with this label are tenants, named by its value' },
    'tenant-prefix': { type: 'string', value: 'PREFIX', help: 'namespaces named PREFIX<id> are tenants' },
    summary: { type: 'boolean', help: 'print a summary line: objects and files, valid, invalid, skipped' },
    ...quietOption,
  },
} as const satisfies CommandSpec;

/** The commands in the order the top-level help lists them. */
export const commandSpecs: readonly CommandSpec<OptionSpecs>[] = [renderSpec, checkSpec, verifySpec, addSpec, planSpec, reachSpec, canISpec];
