// Placeholder until the loader lands; the shapes below are the contract rules rely on.
export interface Platform {
  namespacePrefix: string;
}
export interface Tenant {
  id: string;
  namespace: string;
}
