import { createRequire } from 'node:module';

// The positioned YAML parser and the schema compiler are only needed to explain
// an error or to compile a schema nobody precompiled; loading them on demand
// keeps a cold `check` on a clean tree fast.
const require = createRequire(import.meta.url);

let yamlModule: typeof import('yaml') | undefined;
export function yamlLib(): typeof import('yaml') {
  yamlModule ??= require('yaml') as typeof import('yaml');
  return yamlModule;
}

let ajvModule: typeof import('ajv') | undefined;
export function ajvLib(): typeof import('ajv') {
  ajvModule ??= require('ajv') as typeof import('ajv');
  return ajvModule;
}
