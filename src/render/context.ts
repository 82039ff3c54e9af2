import type { Platform, Tenant, TenantsConfig } from '../tenants/types.js';

/**
 * The one way values reach YAML from a template: a JSON literal is valid YAML,
 * so a string stays a string (never new structure, a bool or a number) and
 * objects become flow mappings. Characters YAML forbids unescaped (DEL, C1
 * controls, non-characters) are escaped too, since JSON would leave them raw.
 */
export function yamlValue(value: unknown): string {
  if (value === undefined) throw new Error('v(): value is undefined (a misspelt field in the template?)');
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

export interface TemplateContext {
  v: typeof yamlValue;
  platform: Platform;
  tenants: readonly Tenant[];
  tenant?: Tenant;
  commonLabels: Record<string, string>;
  selectors: { api: Record<string, string>; worker: Record<string, string> };
  podSecurityContext: typeof podSecurityContext;
  containerSecurityContext: typeof containerSecurityContext;
}

export function tenantContext(config: TenantsConfig, tenant: Tenant): TemplateContext {
  const commonLabels = {
    app: config.platform.labels.app,
    tenant: tenant.id,
    'managed-by': config.platform.labels.managedBy,
  };
  const component = (name: string) => ({
    'app.kubernetes.io/name': config.platform.labels.app,
    'app.kubernetes.io/component': name,
    tenant: tenant.id,
  });
  return {
    v: yamlValue,
    platform: config.platform,
    tenants: config.tenants,
    tenant,
    commonLabels,
    selectors: { api: component('api'), worker: component('worker') },
    podSecurityContext,
    containerSecurityContext,
  };
}

export function clusterContext(config: TenantsConfig): TemplateContext {
  return {
    v: yamlValue,
    platform: config.platform,
    tenants: config.tenants,
    commonLabels: { app: config.platform.labels.app, 'managed-by': config.platform.labels.managedBy },
    selectors: { api: {}, worker: {} },
    podSecurityContext,
    containerSecurityContext,
  };
}
