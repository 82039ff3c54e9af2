/**
 * Everything a report shows comes from tenants.yaml, templates or policy
 * names, all of which a tenant's pull request can influence: every value goes
 * through one of these two functions, never into markup as it is.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element body or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&`
 * as escapes, so no value can close the element (`</script>`) or open a
 * comment (`<!--`); U+2028/U+2029 as escapes for older parsers. JSON.parse
 * reads the escapes back as the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
