import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { DEFINITIONS_FILE } from '../layout.js';
import { definitionsHash, PRECOMPILED_DIR, STAMP_FILE, type Stamp } from '../precompiled.js';
import { ajvOptions, registerFormats } from '../ajv-options.js';
import { DEFAULT_SCHEMA_LOCATION } from '../registry.js';
import { fileURLToPath } from 'node:url';
import { precompiledTenantsValidator, tenantsAjvOptions, tenantsSchemaHash, tenantsSchemaUrl } from '../../tenants/load.js';

/** Build step: one CommonJS module per bundled kind (sync `require` keeps validation synchronous). */
function main(): void {
  const started = Date.now();
  const dir = DEFAULT_SCHEMA_LOCATION;
  const ajv = new Ajv({ ...ajvOptions(false), inlineRefs: false, code: { source: true, esm: false, optimize: true } });
  registerFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(dir, DEFINITIONS_FILE), 'utf8')), DEFINITIONS_FILE);
  rmSync(PRECOMPILED_DIR, { recursive: true, force: true });
  mkdirSync(PRECOMPILED_DIR, { recursive: true });
  // CommonJS default export: Node hands over module.exports, TypeScript expects `.default`.
  const toCode = ((standalone as unknown as { default?: unknown }).default ?? standalone) as (
    ajv: Ajv,
    validate: ValidateFunction,
  ) => string;
  let count = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== DEFINITIONS_FILE).sort()) {
    const validate = ajv.compile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    writeFileSync(join(PRECOMPILED_DIR, file.replace(/\.json$/, '.cjs')), toCode(ajv, validate));
    count++;
  }
  const stamp: Stamp = { definitions: definitionsHash(dir) };
  writeFileSync(join(PRECOMPILED_DIR, STAMP_FILE), JSON.stringify(stamp) + '\n');
  precompileTenantsSchema(toCode);
  process.stdout.write(`precompiled ${count + 1} validators into ${PRECOMPILED_DIR} and dist/tenants in ${Date.now() - started} ms\n`);
}

/** The tenants.yaml validator, stamped with its schema's hash so an edited schema is never checked by a stale build. */
function precompileTenantsSchema(toCode: (ajv: Ajv, validate: ValidateFunction) => string): void {
  const text = readFileSync(tenantsSchemaUrl, 'utf8');
  const ajv = new Ajv({ ...tenantsAjvOptions, code: { source: true, esm: false } });
  const code = toCode(ajv, ajv.compile(JSON.parse(text) as object));
  writeFileSync(fileURLToPath(precompiledTenantsValidator), `${code}\nmodule.exports.schemaHash = ${JSON.stringify(tenantsSchemaHash(text))};\n`);
}

main();
