import type { Ajv, Options } from 'ajv';
import { DATE_TIME } from './date-time.js';

// Formats OpenAPI documents carry that constrain nothing beyond the JSON type.
const PASS_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'int-or-string', 'quantity'];

/** Shared by run-time compilation and the build-time precompiler, so both accept the same documents. */
export function ajvOptions(allErrors: boolean): Options {
  // Schemas from other generators use OpenAPI keywords (x-kubernetes-*, nullable): tolerate, do not warn.
  return { allErrors, verbose: allErrors, strict: false, validateSchema: false, logger: false };
}

export function registerFormats(ajv: Ajv): void {
  // k8s time fields are RFC 3339; a regex avoids loading a whole formats plugin at start-up.
  ajv.addFormat('date-time', DATE_TIME);
  for (const f of PASS_FORMATS) ajv.addFormat(f, true);
}
