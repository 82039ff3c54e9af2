import type { Diagnostic, FileLocation, ObjectRef, Severity } from './diagnostic.js';
import type { RuleDescriptor } from './result.js';

/**
 * Every finding tenantctl can report, declared once: what it means, how bad it
 * is by default, how to fix it and where it is documented. `ruleId` on a
 * Diagnostic is typed as one of these ids, so a stage cannot report an id that
 * has no description or doc page (SARIF, --format github and the docs all read
 * this table).
 */
export interface FindingEntry {
  description: string;
  severity: Severity;
  /** 'failure': the input could not be processed (exit 2); otherwise a finding (exit 1 when an unwaived error). */
  kind?: 'failure';
  remediation: string;
  /** Repo-relative doc page, with an anchor when one page documents several ids. */
  doc: string;
}

const FINDINGS_DOC = 'docs/findings.md';
const ISOLATION_DOC = 'docs/analysis/isolation.md';
const DELIVERY_DOC = 'docs/analysis/delivery.md';
const ADMISSION_DOC = 'docs/analysis/admission.md';

export const FINDINGS = {
  // Input: tenants.yaml and command-line arguments.
  'input/tenants-file': {
    description: 'tenants.yaml cannot be read, parsed or resolved: malformed YAML, an unknown key, an invalid tenant id or value.',
    severity: 'error',
    kind: 'failure',
    remediation: 'fix tenants.yaml at the reported line; the message names the expected value and the nearest valid key',
    doc: `${FINDINGS_DOC}#input-tenants-file`,
  },
  'input/encoding': {
    description: 'A template or a committed file under rendered/ is not UTF-8, or contains a character YAML does not allow (NUL, another control character, U+FFFE/U+FFFF).',
    severity: 'error',
    kind: 'failure',
    remediation: 'save templates as UTF-8 without control characters; a committed rendered/ file is rewritten by `npm run render`',
    doc: `${FINDINGS_DOC}#input-encoding`,
  },
  'input/waiver': {
    description: 'A waiver in tenants.yaml names an unknown rule, a rule that cannot be waived, or matches no finding.',
    severity: 'error',
    remediation: 'name an existing, waivable rule id (docs/rules/) and the object it applies to, or delete the waiver',
    doc: `${FINDINGS_DOC}#input-waiver`,
  },
  // Render: templates and what they produce.
  'render/template': {
    description: 'A template cannot be found, compiled or run (an EJS syntax error, an exception, an undefined variable, a loop that does not finish within 10 s).',
    severity: 'error',
    kind: 'failure',
    remediation: 'fix the template at the reported line; templates see the context documented in docs/operations/tenant-namespace-provisioning.md',
    doc: `${FINDINGS_DOC}#render-template`,
  },
  'render/invalid-yaml': {
    description: 'A template rendered text that is not valid YAML.',
    severity: 'error',
    kind: 'failure',
    remediation: 'emit values through v(...) so they are quoted, and keep the indentation of the surrounding YAML',
    doc: `${FINDINGS_DOC}#render-invalid-yaml`,
  },
  'render/one-object-per-template': {
    description: 'A template rendered more than one object; each template renders exactly one, so each file maps to one template.',
    severity: 'error',
    kind: 'failure',
    remediation: 'split the template into one file per object',
    doc: `${FINDINGS_DOC}#render-one-object-per-template`,
  },
  'render/duplicate-object': {
    description: 'Two templates rendered the same kind, namespace and name; one would overwrite the other.',
    severity: 'error',
    kind: 'failure',
    remediation: 'give each rendered object a distinct name, or drop one of the templates',
    doc: `${FINDINGS_DOC}#render-duplicate-object`,
  },
  'render/unsafe-path': {
    description: 'An object would be written outside rendered/ (a name or label with `..`, `/` or a control character in it).',
    severity: 'error',
    kind: 'failure',
    remediation: 'object names are DNS subdomains and label values are plain words: fix the value in tenants.yaml or the template that makes the file name',
    doc: `${FINDINGS_DOC}#render-unsafe-path`,
  },
  'render/locked': {
    description: 'Another tenantctl is writing rendered/ or tenants.yaml in this repository.',
    severity: 'error',
    kind: 'failure',
    remediation: 'wait for the other run to finish; if it was killed, delete the lock file named in the message',
    doc: `${FINDINGS_DOC}#render-locked`,
  },
  // Manifest: committed or given files that are not Kubernetes objects.
  'manifest/yaml-syntax': {
    description: 'A manifest file is not valid YAML (or JSON), or exceeds the parser limits.',
    severity: 'error',
    kind: 'failure',
    remediation: 'fix the syntax at the reported line and column',
    doc: `${FINDINGS_DOC}#manifest-yaml-syntax`,
  },
  'manifest/not-an-object': {
    description: 'A YAML document is not a mapping with a string apiVersion and kind, so it cannot be a Kubernetes object.',
    severity: 'error',
    kind: 'failure',
    remediation: 'give the document apiVersion and kind, or remove it',
    doc: `${FINDINGS_DOC}#manifest-not-an-object`,
  },
  'manifest/rejected-kind': {
    description: 'An object of a kind that `verify --reject` names is present.',
    severity: 'error',
    remediation: 'remove the object, or drop its kind from --reject',
    doc: `${FINDINGS_DOC}#manifest-rejected-kind`,
  },
  'input/filesystem': {
    description: 'A file or folder the command reads or writes cannot be used: not a folder, no permission, a read-only file system, a full disk.',
    severity: 'error',
    kind: 'failure',
    remediation: 'fix the path named in the message as the hint says and run again; an interrupted render is finished or discarded by the next run',
    doc: `${FINDINGS_DOC}#input-filesystem`,
  },
  'input/manifests': {
    description: 'A path given to `verify` (or --manifests) does not exist, cannot be read, or holds no manifests.',
    severity: 'error',
    kind: 'failure',
    remediation: 'pass existing files or directories of .yaml, .yml or .json manifests, or - for standard input',
    doc: `${FINDINGS_DOC}#input-manifests`,
  },
  // API versions against the target Kubernetes release (--kubernetes-version).
  'api/removed': {
    description: 'The object uses an API version the target Kubernetes release no longer serves; the API server rejects it.',
    severity: 'error',
    remediation: 'migrate the object to the replacement API version named in the message (Kubernetes deprecated API migration guide)',
    doc: `${FINDINGS_DOC}#api-removed`,
  },
  'api/deprecated': {
    description: 'The object uses an API version that is deprecated in the target Kubernetes release and will be removed in a later one.',
    severity: 'warning',
    remediation: 'migrate the object to the replacement API version before the release that removes it',
    doc: `${FINDINGS_DOC}#api-deprecated`,
  },
  // Drift: the committed tree against a fresh render.
  'drift/missing': {
    description: 'A file a fresh render produces is missing from the committed tree.',
    severity: 'error',
    remediation: 'run `npm run render` (or `tenantctl render`) and commit the result; never edit rendered/ by hand',
    doc: `${FINDINGS_DOC}#drift`,
  },
  'drift/extra': {
    description: 'A committed file is not produced by a fresh render (left over, or added by hand).',
    severity: 'error',
    remediation: 'run `npm run render` (or `tenantctl render`) and commit the result; never edit rendered/ by hand',
    doc: `${FINDINGS_DOC}#drift`,
  },
  'drift/changed': {
    description: 'A committed file differs from what a fresh render produces.',
    severity: 'error',
    remediation: 'run `npm run render` (or `tenantctl render`) and commit the result; never edit rendered/ by hand',
    doc: `${FINDINGS_DOC}#drift`,
  },
  'drift/summary': {
    description: 'More files drift than diffs are shown for; the count of all of them.',
    severity: 'info',
    remediation: 'run `npm run render` (or `tenantctl render`) and commit the result; never edit rendered/ by hand',
    doc: `${FINDINGS_DOC}#drift`,
  },
  // Schema: every object against the strict Kubernetes, Argo CD and Flux schemas.
  'schema/invalid': {
    description: 'An object does not match its strict schema: an unknown field, a wrong type, a value outside its enum or format.',
    severity: 'error',
    remediation: 'fix the field where it comes from (the template, or the tenants.yaml value it renders); `kubectl explain KIND.FIELD` shows what the API accepts',
    doc: `${FINDINGS_DOC}#schema-invalid`,
  },
  'schema/unknown-kind': {
    description: 'No schema is known for the apiVersion and kind, so the object cannot be validated.',
    severity: 'error',
    remediation: 'correct apiVersion/kind, or give the CRD with --crd FILE or a schema directory with --schema-location DIR',
    doc: `${FINDINGS_DOC}#schema-unknown-kind`,
  },
  'schema/not-checked': {
    description: 'An object whose shape its schema refuses could not be read by a rule or an analysis, which skipped it (or, for a proof over the whole tree, did not run).',
    severity: 'error',
    remediation: 'fix the schema/invalid finding on the object; the rules and proofs then check it on the next run',
    doc: `${FINDINGS_DOC}#schema-not-checked`,
  },
  'schema/load': {
    description: 'A schema location or CRD given on the command line cannot be read or compiled.',
    severity: 'error',
    kind: 'failure',
    remediation: 'check the --schema-location and --crd paths and that the files are valid JSON schemas or CRDs',
    doc: `${FINDINGS_DOC}#schema-load`,
  },
  // Lifecycle: the change against a base ref.
  'lifecycle/base': {
    description: 'What the comparison with the base ref could or could not do (no base found, the base could not be rendered).',
    severity: 'info',
    remediation: 'pass --base REF (e.g. origin/main) so removals are checked against the branch being merged into',
    doc: `${FINDINGS_DOC}#lifecycle-base`,
  },
  'lifecycle/tenant-removal': {
    description: 'A tenant disappears from tenants.yaml without being decommissioned first, which would make the GitOps controller prune its namespace.',
    severity: 'error',
    remediation: 'set the tenant to `state: decommissioned` in one change, merge it, and remove the entry in a later change (or pass --allow-removal ID)',
    doc: `${FINDINGS_DOC}#lifecycle-tenant-removal`,
  },
  // Delivery: what Argo CD or Flux does when the change is synced (src/analysis/delivery/).
  // Admission: the ValidatingAdmissionPolicies rendered into _cluster/.
  'admission/coverage': {
    description: 'Every tenancy label and guardrail kind is guarded by a rendered ValidatingAdmissionPolicy with a binding: a platform admin changing it outside Git is refused (or audited, in a rollout mode).',
    severity: 'error',
    remediation: 'keep the policies and bindings of templates/cluster/validatingadmissionpolicy*.yaml.ejs; a guardrail kind added to the platform needs a resource rule in the guardrails policy',
    doc: `${ADMISSION_DOC}#admission-coverage`,
  },
  'admission/policy': {
    description: 'Every rendered admission policy compiles (CEL syntax, known variables, functions and fields), is bound, never errors on the requests it is evaluated against, and admits every rendered object from the identity that applies it.',
    severity: 'error',
    remediation: 'fix the expression at the reported line (docs/analysis/admission.md lists the variables and functions available), or bind the policy',
    doc: `${ADMISSION_DOC}#admission-policy`,
  },
  'admission/tenant-labels': {
    description: 'Reported by the cluster, not by check: someone other than the GitOps controller set, changed or removed the tenant-namespace or tenant label on a Namespace.',
    severity: 'error',
    remediation: 'add or change the tenant in tenants.yaml and let the GitOps controller apply it',
    doc: `${ADMISSION_DOC}#admission-tenant-labels`,
  },
  'admission/guardrails': {
    description: "Reported by the cluster, not by check: someone other than the GitOps controller tried to create, change or delete a guardrail in a tenant namespace.",
    severity: 'error',
    remediation: 'change the guardrail in Git (tenants.yaml or templates/) and let the GitOps controller apply it',
    doc: `${ADMISSION_DOC}#admission-guardrails`,
  },
  'delivery/cascade-deletion': {
    description: 'Syncing the change makes the GitOps controller delete live objects of tenants that stay: a removed or renamed ApplicationSet, Application or Kustomization that cascades.',
    severity: 'error',
    remediation: 'keep the name (rename in two steps: first add the new object and set preserveResourcesOnDeletion or remove the finalizer on the old one, merge, then remove the old one), or decommission the tenants first',
    doc: `${DELIVERY_DOC}#cascade-deletion`,
  },
  'delivery/controller-namespace': {
    description: "No Argo CD AppProject lets its Applications write anything but Application, ApplicationSet and AppProject in the controller's namespace (where argocd-cm, argocd-rbac-cm and the repository Secrets live).",
    severity: 'error',
    remediation: "drop the controller's namespace from the project's destinations, or give it a namespaceResourceWhitelist of Application, ApplicationSet and AppProject only (split the project if its Applications need more elsewhere)",
    doc: 'docs/rules/delivery/controller-namespace.md',
  },
  'delivery/coupled-tenants': {
    description: 'No Flux Kustomization waits for the health of Kustomizations it applies while they depend on it (a cycle that holds every tenant back on one failure).',
    severity: 'error',
    remediation: 'drop wait (and health checks of the child Kustomizations) from the parent: without them it is Ready once applied, which is what dependsOn needs',
    doc: 'docs/rules/delivery/coupled-tenants.md',
  },
  'delivery/flux-lockdown': {
    description: "Every Flux Kustomization reconciles under Flux's multi-tenancy lockdown: its source and dependencies are in its own namespace (--no-cross-namespace-refs=true) and it names the ServiceAccount it impersonates (--default-service-account).",
    severity: 'error',
    remediation: 'put the Kustomization in the namespace of its GitRepository and dependencies, and set serviceAccountName to an account of that namespace bound to exactly what it applies',
    doc: 'docs/rules/delivery/flux-lockdown.md',
  },
  'delivery/stranded-application': {
    description: 'No Argo CD Application is left without its AppProject: a project the change deletes has the project finalizer, and every project is in an earlier sync wave than the Applications that use it.',
    severity: 'error',
    remediation: 'keep resources-finalizer.argocd.argoproj.io on every AppProject and give AppProjects a sync wave below their Applications (the rendered projects use -2)',
    doc: `${DELIVERY_DOC}#stranded-application`,
  },
  'delivery/guardrail-removed': {
    description: "A tenant's guardrail (deny-all or another NetworkPolicy, ResourceQuota, LimitRange, Role or RoleBinding) would be pruned while its namespace stays.",
    severity: 'error',
    remediation: 'keep the guardrail template; a namespace loses its guardrails only when it is deleted',
    doc: `${DELIVERY_DOC}#guardrail-removed`,
  },
  // Isolation proofs (src/analysis/isolation/).
  'isolation/cross-tenant-path': {
    description: "A pod of one tenant can open a connection to a pod of another (or one side's policies would let it).",
    severity: 'error',
    remediation: 'Pin every peer by namespace and pod labels in one list item; never select tenant namespaces broadly.',
    doc: `${ISOLATION_DOC}#cross-tenant-path`,
  },
  'isolation/declared-flow-blocked': {
    description: 'A flow tenants.yaml declares (DNS, database, external services, ingress to the api) is denied.',
    severity: 'error',
    remediation: 'Restore the allow rule the template renders for that flow and re-render.',
    doc: `${ISOLATION_DOC}#declared-flow-blocked`,
  },
  'isolation/undeclared-flow': {
    description: 'A flow nobody declared is allowed (a worker reachable from ingress, the metadata address, the database from a non-tenant namespace).',
    severity: 'error',
    remediation: 'Narrow the allowing rule to the declared peers and ports.',
    doc: `${ISOLATION_DOC}#undeclared-flow`,
  },
  'isolation/rbac-cross-tenant': {
    description: "A tenant ServiceAccount holds access in another tenant's namespace.",
    severity: 'error',
    remediation: 'Bind tenant ServiceAccounts only in their own namespace.',
    doc: `${ISOLATION_DOC}#rbac-cross-tenant`,
  },
  'isolation/rbac-cluster-scope': {
    description: 'A tenant ServiceAccount holds cluster-scoped rules tenants.yaml does not grant.',
    severity: 'error',
    remediation: 'Remove the ClusterRoleBinding subject that reaches tenant ServiceAccounts.',
    doc: `${ISOLATION_DOC}#rbac-cluster-scope`,
  },
  'isolation/rbac-guardrails': {
    description: 'A tenant can create or change its own quota, limit range, network policies, roles, bindings or Namespace.',
    severity: 'error',
    remediation: 'Drop the guardrail resources and write verbs from the tenant role.',
    doc: `${ISOLATION_DOC}#rbac-guardrails`,
  },
  'isolation/platform-admin-access': {
    description: 'The platform admins group lacks access the brief promises in a tenant namespace.',
    severity: 'error',
    remediation: 'Bind the admins group to the platform ClusterRole in every tenant namespace.',
    doc: `${ISOLATION_DOC}#platform-admin-access`,
  },
  // Rules (src/rules/): one doc page each.
  'isolation/default-deny': {
    description: 'Every tenant namespace has a NetworkPolicy that selects all pods and denies all ingress and egress.',
    severity: 'error',
    remediation: 'keep templates/tenant/networkpolicy-default-deny.yaml.ejs: podSelector {} with policyTypes [Ingress, Egress] and no rules',
    doc: 'docs/rules/isolation/default-deny.md',
  },
  'isolation/namespace-confinement': {
    description: 'Every object of a tenant lives in that tenant\'s namespace, and no object in a tenant namespace references another tenant\'s namespace.',
    severity: 'error',
    remediation: 'keep tenant objects in ai-agents-<id> and point only at the tenant\'s own namespace or the shared platform services',
    doc: 'docs/rules/isolation/namespace-confinement.md',
  },
  'isolation/network-allow-scope': {
    description: 'NetworkPolicy allow rules in tenant namespaces admit only the ingress controller, the shared database, DNS and the declared external ports.',
    severity: 'error',
    remediation: 'narrow the rule to a peer and port declared in the platform section of tenants.yaml (see docs/rules/isolation/network-allow-scope.md)',
    doc: 'docs/rules/isolation/network-allow-scope.md',
  },
  'isolation/service-account': {
    description: 'Every pod template in a tenant namespace runs as sa-<tenant id> and mounts no API token unless the tenant needs the API.',
    severity: 'error',
    remediation: 'set serviceAccountName: sa-<tenant id> and automountServiceAccountToken: false in the pod template (or needsApiAccess: true in tenants.yaml)',
    doc: 'docs/rules/isolation/service-account.md',
  },
  'k8s/container-port-names': {
    description: 'Every container port name is an IANA_SVC_NAME (≤ 15 lower-case alphanumerics and "-", at least one letter) and unique within the pod.',
    severity: 'error',
    remediation: 'shorten the name to 15 characters or fewer (e.g. "metrics" rather than "http-metrics-endpoint") and give each port of the pod its own name',
    doc: 'docs/rules/k8s/container-port-names.md',
  },
  'k8s/duplicate-object': {
    description: 'No two manifests describe the same object (API group, kind, namespace and name), whatever their apiVersion.',
    severity: 'error',
    remediation: 'keep one manifest per object: delete or rename the second, or merge the two',
    doc: 'docs/rules/k8s/duplicate-object.md',
  },
  'k8s/label-syntax': {
    description: 'Label keys and values (in metadata, pod templates and selectors) and annotation keys have valid syntax; annotations total at most 256 KiB.',
    severity: 'error',
    remediation: 'keys are [dns-subdomain-prefix/]name with name ≤ 63 characters; label values are ≤ 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric',
    doc: 'docs/rules/k8s/label-syntax.md',
  },
  'k8s/name-syntax': {
    description: 'metadata.name is valid for its kind (DNS-1123 label, DNS-1035 label, subdomain or path segment) and metadata.namespace is a DNS-1123 label.',
    severity: 'error',
    remediation: 'use lower-case letters, digits and "-" (and "." where the kind allows it), starting and ending with a letter or digit',
    doc: 'docs/rules/k8s/name-syntax.md',
  },
  'k8s/namespace-required': {
    description: 'Namespaced objects set metadata.namespace to a namespace the tree creates (or a shared platform or system namespace); cluster-scoped objects set none.',
    severity: 'error',
    remediation: 'set metadata.namespace on namespaced objects (and add the Namespace object to the tree); remove it from cluster-scoped ones',
    doc: 'docs/rules/k8s/namespace-required.md',
  },
  'k8s/object-size': {
    description: 'An object serialises to at most 1 MiB, and a ConfigMap or Secret payload totals at most 1 MiB.',
    severity: 'error',
    remediation: 'split the data across several ConfigMaps/Secrets, or ship it as an image layer or volume instead of an API object',
    doc: 'docs/rules/k8s/object-size.md',
  },
  'k8s/selector-matches-template': {
    description: 'A Deployment, StatefulSet, DaemonSet, ReplicaSet (or Job with manualSelector) has a non-empty spec.selector that selects spec.template.metadata.labels.',
    severity: 'error',
    remediation: 'make every matchLabels pair and matchExpressions term of spec.selector hold for spec.template.metadata.labels',
    doc: 'docs/rules/k8s/selector-matches-template.md',
  },
  'k8s/service-selector-targets': {
    description: 'A Service with a selector selects the pod template of a workload in its namespace, and each named targetPort is a port name on those pods.',
    severity: 'error',
    remediation: 'make spec.selector a subset of the workload\'s spec.template.metadata.labels, and name targetPort after a containers[].ports[].name of that workload',
    doc: 'docs/rules/k8s/service-selector-targets.md',
  },
  'namespace/labels': {
    description: 'Each tenant Namespace exists and carries app, tenant, managed-by, the tenant-namespace label and consistent Pod Security labels.',
    severity: 'error',
    remediation: 'render templates/cluster/namespace.yaml.ejs from tenants.yaml (platform.labels, tenantNamespaceLabel, podSecurity); do not edit rendered/',
    doc: 'docs/rules/namespace/labels.md',
  },
  'network/dns-egress': {
    description: 'Where egress is denied for all pods, DNS to the cluster resolver stays open on both UDP and TCP.',
    severity: 'error',
    remediation: 'keep templates/tenant/networkpolicy-allow-egress-to-dns.yaml.ejs: podSelector {}, egress to the DNS namespace on UDP and TCP port 53',
    doc: 'docs/rules/network/dns-egress.md',
  },
  'network/external-egress': {
    description: 'Every egress ipBlock excludes link-local (169.254.0.0/16) and the configured cluster CIDRs it would otherwise cover.',
    severity: 'error',
    remediation: 'list 169.254.0.0/16 and every platform.egress.deniedCidrs range under the ipBlock `except` (templates/tenant/networkpolicy-allow-egress-to-external.yaml.ejs)',
    doc: 'docs/rules/network/external-egress.md',
  },
  'network/ipblock': {
    description: 'Every NetworkPolicy ipBlock has a valid cidr, and each except is a valid CIDR of the same family strictly inside it (what the API server accepts).',
    severity: 'error',
    remediation: 'write network addresses without leading zeros or host bits, and keep each except inside its cidr and of its IP family (an IPv6 range needs its own ipBlock with an IPv6 cidr)',
    doc: 'docs/rules/network/ipblock.md',
  },
  'network/namespace-selector': {
    description: 'Every NetworkPolicy namespaceSelector selects namespaces by kubernetes.io/metadata.name or by labels a rendered Namespace really carries.',
    severity: 'error',
    remediation: 'select namespaces with `kubernetes.io/metadata.name: <namespace>`, or by a label the platform sets on the rendered Namespace',
    doc: 'docs/rules/network/namespace-selector.md',
  },
  'network/or-peer': {
    description: 'A from/to list does not OR a namespaceSelector-only peer with a podSelector-only peer where one AND peer was meant.',
    severity: 'error',
    remediation: 'put namespaceSelector and podSelector in ONE peer item (no dash before podSelector); if OR is really meant, split them into two rules',
    doc: 'docs/rules/network/or-peer.md',
  },
  'pod/resources': {
    description: 'Every init and regular container sets cpu and memory requests and limits, with each limit at least its request.',
    severity: 'error',
    remediation: 'set api/worker resources (requests and limits for cpu and memory) in tenants.yaml defaults or per tenant',
    doc: 'docs/rules/pod/resources.md',
  },
  'pod/security-standards': {
    description: 'Every pod template in a tenant namespace satisfies the Pod Security Standard its Namespace enforces, at the pinned version.',
    severity: 'error',
    remediation: 'keep the securityContext of templates/tenant/deployment-*.yaml.ejs: non-root, no privilege escalation, drop ALL capabilities, RuntimeDefault seccomp, no host namespaces or hostPath',
    doc: 'docs/rules/pod/security-standards.md',
  },
  'quota/fit': {
    description: 'Workloads fit the namespace ResourceQuota at steady state, at HPA maxReplicas and during rolling updates, and no pod is rejected by admission.',
    severity: 'error',
    remediation: 'lower replicas, maxSurge, HPA maxReplicas or container resources in tenants.yaml, or move the tenant to a larger tier',
    doc: 'docs/rules/quota/fit.md',
  },
  'quota/present': {
    description: 'Each tenant namespace has exactly one ResourceQuota equal to its tier, within platform maxima, with object counts, and a LimitRange with defaults.',
    severity: 'error',
    remediation: 'render templates/tenant/resourcequota.yaml.ejs and limitrange.yaml.ejs from tenants.yaml; change quotas in tenants.yaml, not in rendered/',
    doc: 'docs/rules/quota/present.md',
  },
  'rbac/binding-subjects': {
    description: 'RoleBindings in tenant namespaces bind only ServiceAccounts of that namespace or the platform admins group; no ClusterRoleBinding binds a tenant subject.',
    severity: 'error',
    remediation: 'bind the tenant\'s own ServiceAccount (sa-<tenant id>) through a RoleBinding in its namespace; platform operators come in through the admins group',
    doc: 'docs/rules/rbac/binding-subjects.md',
  },
  'rbac/role-hygiene': {
    description: 'Roles of tenants (and ClusterRoles bound into tenant namespaces for non-platform subjects) grant no wildcards, no escalate/bind/impersonate, nothing cluster-scoped and no writes to guardrail objects.',
    severity: 'error',
    remediation: 'list explicit verbs and namespaced workload resources; leave roles, rolebindings, resourcequotas, limitranges and networkpolicies to the platform',
    doc: 'docs/rules/rbac/role-hygiene.md',
  },
  'workload/delivery-kind': {
    description: "Every object in a tenant's workloads/ folder is of a kind the tenant's delivery may apply: its Argo CD project's allow-list, or the tenant Role that Flux impersonates.",
    severity: 'error',
    remediation: 'render the object into the platform part of the tree (the namespace folder) or add its kind to the tenant workload kinds (TENANT_WORKLOAD_KINDS), which the Role and the project are rendered from',
    doc: 'docs/rules/workload/delivery-kind.md',
  },
  'workload/image-pinned': {
    description: 'Every container image names a tag other than `latest`, or a digest.',
    severity: 'error',
    remediation: 'pin the image to a release tag (imageTag in tenants.yaml) or to @sha256:<digest>',
    doc: 'docs/rules/workload/image-pinned.md',
  },
  'workload/image-repository': {
    description: 'Every container of a pod template in a tenant namespace runs an image from the platform repository (platform.image.repository).',
    severity: 'error',
    remediation: 'use the platform image (its repository is platform.image.repository in tenants.yaml); mirror other images into it first',
    doc: 'docs/rules/workload/image-repository.md',
  },
  'workload/service-type': {
    description: 'Services in tenant namespaces are not NodePort or LoadBalancer, claim no externalIPs and alias no other tenant.',
    severity: 'error',
    remediation: 'use type ClusterIP and expose the service through the platform ingress',
    doc: 'docs/rules/workload/service-type.md',
  },
} as const satisfies Record<string, FindingEntry>;

export type FindingId = keyof typeof FINDINGS;

export const FINDING_IDS = Object.keys(FINDINGS).sort() as FindingId[];

export function isFindingId(id: string): id is FindingId {
  return Object.hasOwn(FINDINGS, id);
}

export function findingEntry(id: FindingId): FindingEntry {
  return FINDINGS[id];
}

/**
 * GitHub code scanning ranks results by a rule's `security-severity`, "a score
 * between 0.0 and 10.0 [...] over 9.0 is critical, 7.0 to 8.9 is high, 4.0 to
 * 6.9 is medium and 0.1 to 3.9 is low" (docs.github.com, SARIF support for code
 * scanning). Isolation breaks rank high; hygiene medium; tool and input
 * problems carry none.
 */
export function securitySeverityOf(id: FindingId): number | undefined {
  const group = id.split('/')[0]!;
  const high: Record<string, number> = { isolation: 8.5, delivery: 8.0, rbac: 8.0, network: 7.5, namespace: 7.5, pod: 7.0, api: 6.0 };
  if (id === 'pod/resources') return 5.0;
  if (group in high) return high[group];
  if (['quota', 'workload', 'k8s', 'schema', 'lifecycle', 'manifest'].includes(group) && findingEntry(id).kind !== 'failure') return group === 'lifecycle' ? 8.0 : 4.0;
  return undefined;
}

/** The catalogue as SARIF and the docs links need it, in id order. */
export function findingDescriptors(ids: Iterable<FindingId> = FINDING_IDS): RuleDescriptor[] {
  return [...new Set(ids)].sort().map((id) => {
    const e: FindingEntry = FINDINGS[id];
    return { id, description: e.description, severity: e.severity, remediation: e.remediation, helpUri: e.doc };
  });
}

/** What a stage knows about one finding beyond its id and message. */
export interface FindingFields {
  severity?: Severity;
  /** Overrides the catalogue's kind for one occurrence (a waiver naming an unknown rule cannot be processed). */
  kind?: 'finding' | 'failure';
  tenant?: string;
  object?: ObjectRef;
  file?: FileLocation;
  field?: Diagnostic['field'];
  origin?: Diagnostic['origin'];
  /** Defaults to the catalogue's remediation. */
  hint?: string;
  detail?: string;
  waived?: { reason: string };
}

/**
 * The one way a stage builds a Diagnostic: severity, kind and hint come from the
 * catalogue unless the stage knows better for this occurrence.
 */
export function diagnostic(id: FindingId, message: string, fields: FindingFields = {}): Diagnostic {
  const e: FindingEntry = FINDINGS[id];
  const d: Diagnostic = { ruleId: id, severity: fields.severity ?? e.severity, kind: fields.kind ?? e.kind ?? 'finding', message };
  if (fields.tenant !== undefined) d.tenant = fields.tenant;
  if (fields.waived !== undefined) d.waived = fields.waived;
  if (fields.object !== undefined) d.object = fields.object;
  if (fields.file !== undefined) d.file = fields.file;
  if (fields.field !== undefined) d.field = fields.field;
  if (fields.origin !== undefined) d.origin = fields.origin;
  d.hint = fields.hint ?? e.remediation;
  if (fields.detail !== undefined) d.detail = fields.detail;
  return d;
}
