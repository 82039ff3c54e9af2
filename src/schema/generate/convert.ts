import ts from 'typescript';
import { definitionRef } from '../layout.js';

export type JsonSchema = { [key: string]: unknown };

/**
 * The .d.ts files say `number` for every numeric field; upstream OpenAPI marks
 * these few as double. Every other number is an int32/int64 and a float there is
 * rejected by the API server, so it must be rejected here too.
 */
const DOUBLE_FIELDS = new Set([
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps.maximum',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps.minimum',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps.multipleOf',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaProps.maximum',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaProps.minimum',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaProps.multipleOf',
]);

/**
 * Enums of plain (non-pointer) Go string fields whose empty value the API server
 * accepts: defaulting fills it in (`if obj.Protocol == "" { obj.Protocol = TCP }`)
 * or validation reads it as documented ("Empty means match all taint effects").
 * The OpenAPI enum lists only the named values, so `""` is added here. Pointer
 * fields (NetworkPolicyPort.protocol, volumeMode, ipFamilyPolicy, ...) are
 * defaulted only when absent and reject `""`, so they are not listed.
 */
export const EMPTY_ACCEPTED_ENUMS: Readonly<Record<string, string>> = {
  'IoK8sApiCoreV1Container.imagePullPolicy': 'Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.',
  'IoK8sApiCoreV1EphemeralContainer.imagePullPolicy': 'Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.',
  'IoK8sApiCoreV1Container.terminationMessagePolicy': 'Defaults to File.',
  'IoK8sApiCoreV1EphemeralContainer.terminationMessagePolicy': 'Defaults to File.',
  'IoK8sApiCoreV1ContainerPort.protocol': 'Must be UDP, TCP, or SCTP. Defaults to "TCP".',
  'IoK8sApiCoreV1ServicePort.protocol': 'Supports "TCP", "UDP", and "SCTP". Default is TCP.',
  'IoK8sApiCoreV1EndpointPort.protocol': 'Must be UDP, TCP, or SCTP. Default is TCP.',
  'IoK8sApiCoreV1ServiceSpec.type': 'type determines how the Service is exposed. Defaults to ClusterIP.',
  'IoK8sApiCoreV1ServiceSpec.sessionAffinity': 'Must be ClientIP or None. Defaults to None.',
  'IoK8sApiCoreV1ServiceSpec.externalTrafficPolicy': 'The default value, "Cluster", uses the standard behavior of routing to all endpoints evenly',
  'IoK8sApiCoreV1PodSpec.restartPolicy': 'Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only a subset of those values may be permitted. Default to Always.',
  'IoK8sApiCoreV1PodSpec.dnsPolicy': 'Set DNS policy for the pod. Defaults to "ClusterFirst".',
  'IoK8sApiCoreV1HTTPGetAction.scheme': 'Scheme to use for connecting to the host. Defaults to HTTP.',
  'IoK8sApiCoreV1Toleration.effect': 'Empty means match all taint effects.',
  'IoK8sApiCoreV1Toleration.operator': 'Valid operators are Exists, Equal, Lt, and Gt. Defaults to Equal.',
  'IoK8sApiCoreV1PersistentVolumeSpec.persistentVolumeReclaimPolicy': 'The default policy is Retain.',
  'IoK8sApiAppsV1DeploymentStrategy.type': 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.',
  'IoK8sApiAppsV1DaemonSetUpdateStrategy.type': 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.',
  'IoK8sApiAppsV1StatefulSetUpdateStrategy.type': 'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.',
  'IoK8sApiAppsV1StatefulSetSpec.podManagementPolicy': 'The default policy is `OrderedReady`',
  'IoK8sApiBatchV1CronJobSpec.concurrencyPolicy': '"Allow" (default): allows CronJobs to run concurrently',
};

/** Aliases whose wire format is not what their TypeScript spelling suggests. */
const SPECIAL_ALIASES: Record<string, JsonSchema> = {
  IoK8sApimachineryPkgUtilIntstrIntOrString: { type: ['integer', 'string'] },
  // `cpu: 0.5` is a valid quantity; YAML hands it over as a number.
  IoK8sApimachineryPkgApiResourceQuantity: { type: ['number', 'string'] },
  IoK8sApimachineryPkgApisMetaV1Time: { type: 'string', format: 'date-time' },
  IoK8sApimachineryPkgApisMetaV1MicroTime: { type: 'string', format: 'date-time' },
};

/** What each empty interface stands for upstream; any other empty interface is a surprise. */
const FREE_FORM: Record<string, JsonSchema> = {
  IoK8sApimachineryPkgRuntimeRawExtension: { type: 'object' },
  IoK8sApimachineryPkgApisMetaV1FieldsV1: { type: 'object' },
  IoK8sApimachineryPkgApisMetaV1Patch: { type: 'object' },
  // Genuinely empty structs: `status: {}` is the only valid value.
  IoK8sApiextensionsApiserverPkgApisApiextensionsV1CustomResourceSubresourceStatus: { type: 'object', additionalProperties: false },
  IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1CustomResourceSubresourceStatus: { type: 'object', additionalProperties: false },
  IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSON: {},
  IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSON: {},
  ...schemaPropsUnions('IoK8sApiextensionsApiserverPkgApisApiextensionsV1'),
  ...schemaPropsUnions('IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1'),
};

/** Go types with custom JSON marshalling that the .d.ts can only render as empty interfaces. */
function schemaPropsUnions(prefix: string): Record<string, JsonSchema> {
  const props = { $ref: definitionRef(`${prefix}JSONSchemaProps`) };
  return {
    [`${prefix}JSONSchemaPropsOrBool`]: { anyOf: [props, { type: 'boolean' }] },
    [`${prefix}JSONSchemaPropsOrArray`]: { anyOf: [props, { type: 'array', items: props }] },
    [`${prefix}JSONSchemaPropsOrStringArray`]: { anyOf: [props, { type: 'array', items: { type: 'string' } }] },
  };
}

export class UnsupportedConstructError extends Error {}

/** Converts interfaces reachable from kind declarations, collecting shared definitions by canonical name. */
export class Converter {
  readonly definitions = new Map<string, JsonSchema>();
  /** EMPTY_ACCEPTED_ENUMS entries met, so a stale entry fails generation instead of silently matching nothing. */
  readonly emptyAccepted = new Set<string>();

  constructor(private readonly checker: ts.TypeChecker) {}

  /** Schema of a top-level kind: its own properties inline, everything below by reference. */
  kindSchema(decl: ts.InterfaceDeclaration): JsonSchema {
    return this.objectSchema(decl, canonicalName(decl));
  }

  private fail(node: ts.Node, what: string): never {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    throw new UnsupportedConstructError(
      `${sf.fileName}:${line + 1}:${character + 1}: unsupported TypeScript construct ${what}: ${node.getText(sf).slice(0, 120)}`,
    );
  }

  private objectSchema(decl: ts.InterfaceDeclaration | ts.TypeLiteralNode, owner: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required = new Set<string>();
    for (const member of this.members(decl)) {
      if (!ts.isPropertySignature(member) || !member.type) this.fail(member, ts.SyntaxKind[member.kind]);
      const name = propertyName(member.name) ?? this.fail(member.name, 'computed property name');
      const schema = this.typeSchema(member.type, `${owner}.${name}`);
      if (member.questionToken) {
        properties[name] = nullable(schema);
        required.delete(name);
      } else {
        properties[name] = schema;
        required.add(name);
      }
    }
    const out: JsonSchema = { type: 'object', properties, additionalProperties: false };
    if (required.size > 0) out.required = [...required].sort();
    return out;
  }

  /** Own members after those of extended interfaces (Go struct embedding), so redeclarations win. */
  private members(decl: ts.InterfaceDeclaration | ts.TypeLiteralNode): ts.TypeElement[] {
    if (!ts.isInterfaceDeclaration(decl)) return [...decl.members];
    const inherited: ts.TypeElement[] = [];
    for (const clause of decl.heritageClauses ?? []) {
      for (const t of clause.types) {
        // TypeMeta only contributes apiVersion/kind, which every kind redeclares as literals.
        if (t.expression.getText() === 'TypeMeta') continue;
        const base = this.declarationOf(t.expression);
        if (!base || !ts.isInterfaceDeclaration(base) || t.typeArguments) this.fail(t, 'interface heritage');
        inherited.push(...this.members(base));
      }
    }
    return [...inherited, ...decl.members];
  }

  private declarationOf(node: ts.Node): ts.Declaration | undefined {
    let symbol = this.checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.declarations?.[0];
  }

  private typeSchema(node: ts.TypeNode, field: string): JsonSchema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: DOUBLE_FIELDS.has(field) ? 'number' : 'integer' };
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
      return { type: 'string', enum: [node.literal.text] };
    }
    if (ts.isUnionTypeNode(node)) {
      const values = node.types.map((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : this.fail(t, 'union member'),
      );
      if (field in EMPTY_ACCEPTED_ENUMS && !values.includes('')) {
        this.emptyAccepted.add(field);
        values.unshift('');
      }
      return { type: 'string', enum: values };
    }
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: this.typeSchema(node.elementType, field) };
    if (ts.isTypeLiteralNode(node)) return this.typeLiteral(node, field);
    if (ts.isTypeReferenceNode(node)) {
      const args = node.typeArguments;
      if (ts.isIdentifier(node.typeName) && node.typeName.text === 'Array' && args?.length === 1 && args[0]) {
        return { type: 'array', items: this.typeSchema(args[0], field) };
      }
      if (args?.length) this.fail(node, 'generic type reference');
      return this.reference(node);
    }
    return this.fail(node, ts.SyntaxKind[node.kind]);
  }

  private typeLiteral(node: ts.TypeLiteralNode, field: string): JsonSchema {
    const [first] = node.members;
    if (node.members.length === 1 && first && ts.isIndexSignatureDeclaration(first)) {
      const key = first.parameters[0]?.type;
      if (!key || key.kind !== ts.SyntaxKind.StringKeyword) this.fail(first, 'non-string index signature');
      const values = this.typeSchema(first.type, field);
      // Go decodes `key: null` in a map[string]string to "" and the API server stores that;
      // CRD schemas (Argo CD, Flux) are structural and do reject it, so only built-in types relax.
      const nullToEmpty = field.startsWith('IoK8s') && first.type.kind === ts.SyntaxKind.StringKeyword;
      return { type: 'object', additionalProperties: nullToEmpty ? { type: ['string', 'null'] } : values };
    }
    if (node.members.some((m) => !ts.isPropertySignature(m))) this.fail(node, 'mixed type literal');
    return this.objectSchema(node, field);
  }

  private reference(node: ts.TypeReferenceNode): JsonSchema {
    const decl = this.declarationOf(node.typeName);
    if (!decl) return this.fail(node, 'unresolved type reference');
    if (ts.isTypeAliasDeclaration(decl)) {
      const special = SPECIAL_ALIASES[canonicalName(decl)];
      return special ? structuredClone(special) : this.typeSchema(decl.type, canonicalName(decl));
    }
    if (!ts.isInterfaceDeclaration(decl)) return this.fail(node, `reference to ${ts.SyntaxKind[decl.kind]}`);
    const name = canonicalName(decl);
    if (decl.members.length === 0 && !decl.heritageClauses) {
      const free = FREE_FORM[name];
      return free ? structuredClone(free) : this.fail(decl, `empty interface ${name}`);
    }
    if (!this.definitions.has(name)) {
      // Placeholder first: definitions such as JSONSchemaProps refer to themselves.
      this.definitions.set(name, {});
      this.definitions.set(name, this.objectSchema(decl, name));
    }
    return { $ref: definitionRef(name) };
  }
}

/** Optional fields accept an explicit null, as Helm-style `key: null` does. */
export function nullable(schema: JsonSchema): JsonSchema {
  if (Object.keys(schema).length === 0) return schema;
  if (typeof schema.$ref === 'string' || schema.type === undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const out: JsonSchema = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  return out;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isStringLiteral(name) || ts.isIdentifier(name)) return name.text;
  return undefined;
}

/**
 * The package-wide unique name each file exports its type under
 * (`export type { IDeploymentSpec as IIoK8sApiAppsV1DeploymentSpec }`), minus the leading I.
 */
export function canonicalName(decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration): string {
  const local = decl.name.text;
  for (const stmt of decl.getSourceFile().statements) {
    if (!ts.isExportDeclaration(stmt) || !stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) continue;
    for (const el of stmt.exportClause.elements) {
      if (el.propertyName?.text === local && el.name.text.startsWith('I')) return el.name.text.slice(1);
    }
  }
  throw new UnsupportedConstructError(
    `${decl.getSourceFile().fileName}: ${local} has no canonical \`export type { ${local} as I… }\` alias`,
  );
}
