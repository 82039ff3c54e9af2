import type { Ajv, Options } from 'ajv';

// k8s time fields are RFC 3339; a regex avoids loading a whole formats plugin at start-up.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// Formats OpenAPI documents carry that constrain nothing beyond the JSON type.
const PASS_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'int-or-string', 'quantity'];

/** Shared by run-time compilation and the build-time precompiler, so both accept the same documents. */
export function ajvOptions(allErrors: boolean): Options {
  // Schemas from other generators use OpenAPI keywords (x-kubernetes-*, nullable): tolerate, do not warn.
  return { allErrors, verbose: allErrors, strict: false, validateSchema: false, logger: false };
}

export function registerFormats(ajv: Ajv): void {
  ajv.addFormat('date-time', DATE_TIME);
  for (const f of PASS_FORMATS) ajv.addFormat(f, true);
}
