import { describe, expect, it } from 'vitest';
import { canonicalize, toCanonicalYaml } from '../../src/manifest/canonical.js';
import { cidrProblem, formatRange, inputCidrProblem, parseCidr, parseIp, subtractRanges } from '../../src/manifest/cidr.js';
import { dotted, locateInText, pointerSegments, toPointer } from '../../src/manifest/locate.js';
import jsYaml from 'js-yaml';

describe('locate: JSON pointers to file positions', () => {
  it('escapes and unescapes ~ and / as RFC 6901 says', () => {
    expect(toPointer(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('/metadata/labels/app.kubernetes.io~1name');
    expect(pointerSegments('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(dotted('/spec/containers/0/image')).toMatch(/containers.*0.*image/);
  });

  it('finds a field in the right document of a stream, 1-based', () => {
    const text = 'kind: A\nmetadata:\n  name: a\n---\nkind: B\nspec:\n  items:\n    - x\n    - y: 1\n';
    expect(locateInText(text, 0, '/metadata/name')).toEqual({ line: 3, column: 3 });
    expect(locateInText(text, 1, '/spec/items/1/y')).toEqual({ line: 9, column: 7 });
  });

  it('falls back to the nearest existing parent, and to 1:1 for a missing document', () => {
    const text = 'kind: A\nspec:\n  replicas: 1\n';
    expect(locateInText(text, 0, '/spec/missing/deeper').line).toBe(2);
    expect(locateInText(text, 5, '/spec')).toEqual({ line: 1, column: 1 });
  });
});

describe('canonical YAML', () => {
  it('orders apiVersion, kind, metadata first and the rest alphabetically, keeping list order', () => {
    const c = canonicalize({ spec: { b: 1, a: 2 }, kind: 'K', apiVersion: 'v1', metadata: { namespace: 'n', name: 'x' }, list: [3, 1, 2] });
    expect(Object.keys(c as object)).toEqual(['apiVersion', 'kind', 'metadata', 'list', 'spec']);
    expect(Object.keys((c as { metadata: object }).metadata)).toEqual(['name', 'namespace']);
    expect((c as { list: number[] }).list).toEqual([3, 1, 2]);
  });

  it('quotes every string a YAML 1.1 or 1.2 reader would take for something else, and round-trips', () => {
    const tricky = ['yes', 'no', 'on', 'off', 'y', 'null', '~', 'true', '0o17', '017', '1e3', '.inf', '0x1F', '1:30', '', ' padded', 'a: b', '#x', '- x', '2024-01-01'];
    const value = { kind: 'ConfigMap', data: Object.fromEntries(tricky.map((t, i) => [`k${i}`, t])) };
    const text = toCanonicalYaml(value);
    // YAML 1.1's core types, the strictest reader Kubernetes tooling still uses.
    const back = jsYaml.load(text, { schema: jsYaml.DEFAULT_SCHEMA }) as typeof value;
    expect(back).toEqual(value);
    for (const t of ['yes', 'on', 'y', '017']) expect(text).toContain(`"${t}"`);
  });

  it('escapes invisible and bidi-override characters so a reviewer sees them, and loads them back', () => {
    const name = 'Acme\u202Eevil\u200B';
    const text = toCanonicalYaml({ name });
    expect(text).toBe('name: "Acme\\u202eevil\\u200b"\n');
    expect(jsYaml.load(text)).toEqual({ name });
  });

  it('is deterministic: the same value in any key order gives the same bytes', () => {
    expect(toCanonicalYaml({ b: 1, a: { d: 2, c: 3 } })).toBe(toCanonicalYaml({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

describe('CIDR parsing', () => {
  it('parses IPv4 and IPv6, compressed and with an embedded IPv4 tail', () => {
    expect(formatRange(parseCidr('10.0.0.0/8')!)).toBe('10.0.0.0-10.255.255.255');
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ family: 6, value: 0xffffc0000201n });
    expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, lo: 0xfdn << 120n });
    expect(parseCidr('2001:db8::1')!.lo).toBe(parseCidr('2001:db8::1/128')!.lo);
  });

  it('refuses leading zeros, which readers disagree on (CVE-2021-29923), and malformed input', () => {
    for (const bad of ['010.0.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0.0/33', '1.2.3/8', '::1::/64', '10.0.0.0/8/1', 'fd00::/129', '']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });

  it('gives each text its own range however many texts were parsed before, and again when asked again', () => {
    const texts = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
    const first = texts.map((t) => formatRange(parseCidr(t)!));
    expect(first[0]).toBe('10.0.0.0-10.0.0.255');
    expect(first[9_999]).toBe('10.39.15.0-10.39.15.255');
    expect(texts.map((t) => formatRange(parseCidr(t)!))).toEqual(first);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });

  it('names host bits in our own input instead of widening silently', () => {
    expect(cidrProblem('10.0.0.1/8')).toBe('"10.0.0.1/8" has host bits set; the network is 10.0.0.0/8');
    expect(cidrProblem('10.0.0.0/8')).toBeUndefined();
    expect(cidrProblem('010.0.0.0/8')).toMatch(/not an address\/prefix-length CIDR/);
    expect(cidrProblem('10.0.0.0')).toMatch(/no prefix length/);
  });

  it('asks our own input for the one canonical spelling of a CIDR (RFC 5952 for IPv6)', () => {
    for (const ok of ['0.0.0.0/0', '::/0', '2001:db8::/32', 'fd00:ec2::254/128', '2001:db8:0:1::/64', '1::/16']) expect(inputCidrProblem(ok), ok).toBeUndefined();
    expect(inputCidrProblem('FD00::/8')).toBe('"FD00::/8" is not written in canonical form; write fd00::/8');
    expect(inputCidrProblem('2001:0db8::/32')).toMatch(/write 2001:db8::\/32$/);
    expect(inputCidrProblem('2001:db8:0:0:0:0:0:0/32')).toMatch(/write 2001:db8::\/32$/);
    // Only the longest run of zero groups is compressed, and a single zero group is not.
    expect(inputCidrProblem('2001:db8::1:0:0:0/128')).toMatch(/write 2001:db8:0:0:1::\/128$/);
    // On a tie, the first run (RFC 5952 4.2.3).
    expect(inputCidrProblem('2001:0:0:1:0:0:1:1/128')).toMatch(/write 2001::1:0:0:1:1\/128$/);
    expect(inputCidrProblem('2001:db8:0:1:1:1:1:0/128')).toBeUndefined();
    expect(inputCidrProblem('::ffff:10.0.0.0/104')).toBe('"::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 range; write the IPv4 range 10.0.0.0/8 instead');
    expect(inputCidrProblem('fd00::1/8')).toMatch(/host bits set; the network is fd00::\/8/);
    expect(inputCidrProblem('010.0.0.0/8')).toMatch(/not an address\/prefix-length CIDR/);
  });

  it('subtracts except ranges exactly', () => {
    const rest = subtractRanges([parseCidr('10.0.0.0/8')!], [parseCidr('10.128.0.0/9')!]);
    expect(rest.map(formatRange)).toEqual(['10.0.0.0-10.127.255.255']);
  });
});

// Resource quantities have their own table: test/manifest/quantity.test.ts.

