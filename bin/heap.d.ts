// Declarations for heap.js, which runs as plain JavaScript before dist/ is loaded.
export const DEFAULT_HEAP_MIB: number;
export const HEAP_KIB_PER_TENANT: number;
export const MEASURED_TENANT_TEMPLATES: number;
export const SIZED_ENV: string;
export function requestedHeapMiB(execArgv: readonly string[], nodeOptions?: string): number | undefined;
export function tenantCount(text: string): number;
export function heapForTenants(tenants: number, templates?: number): number;
export function tenantTemplateCount(templatesDir: string, list?: (dir: string) => string[]): number;
export function heapPlan(o: {
  args: readonly string[];
  execArgv: readonly string[];
  nodeOptions: string;
  env: Record<string, string | undefined>;
  cwd: string;
  current: number;
  machine: number;
  readText?: (file: string) => string;
  list?: (dir: string) => string[];
}): number | undefined;
export function runSized(mib: number, binFile: string, args: readonly string[]): Promise<void>;
export function childSide(): void;
