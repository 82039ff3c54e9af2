import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  formatQuantity,
  formatRatio,
  MAX_QUANTITY_MILLI,
  parseQuantity,
  parseQuantityExact,
  quantityProblem,
  quantityNumber,
} from '../../src/manifest/quantity.js';

// Each row quotes https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
// (Quantity, k8s.io/apimachinery/pkg/api/resource). Values are exact milli-units.

const DOC = {
  grammar:
    '<quantity> ::= <signedNumber><suffix> … <number> ::= <digits> | <digits>.<digits> | <digits>. | .<digits> … <suffix> ::= <binarySI> | <decimalExponent> | <decimalSI>',
  binary: '<binarySI> ::= Ki | Mi | Gi | Ti | Pi | Ei',
  decimal: '<decimalSI> ::= m | "" | k | M | G | T | P | E (Note that 1024 = 1Ki but 1000 = 1k; I didn\'t choose the capitalization.)',
  exponent: '<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>',
  precision:
    'no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.)',
  canonical:
    'Before serializing, Quantity will be put in "canonical form" … No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible. The sign will be omitted unless the number is negative. Examples: 1.5 will be serialized as "1500m" - 1.5Gi will be serialized as "1536Mi"',
  float: 'Note that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.',
};

const Ki = 1024n * 1000n;
const Mi = 1024n * Ki;
const Gi = 1024n * Mi;

describe('parse (milli-units)', () => {
  const rows: [doc: string, input: unknown, milli: bigint][] = [
    [DOC.grammar, '2', 2000n],
    [DOC.grammar, '1.5', 1500n],
    [DOC.grammar, '1.', 1000n],
    [DOC.grammar, '.5', 500n],
    [DOC.grammar, '+3', 3000n],
    [DOC.grammar, '-3', -3000n],
    [DOC.grammar, 0.5, 500n],
    [DOC.grammar, 2, 2000n],
    [DOC.binary, '1Ki', Ki],
    [DOC.binary, '1.5Gi', 1536n * Mi],
    [DOC.binary, '1Ei', (1n << 60n) * 1000n],
    [DOC.decimal, '500m', 500n],
    [DOC.decimal, '1k', 1_000_000n],
    [DOC.decimal, '1G', 1_000_000_000_000n],
    [DOC.decimal, '1E', 10n ** 21n],
    [DOC.exponent, '1e3', 1_000_000n],
    [DOC.exponent, '1E3', 1_000_000n],
    [DOC.exponent, '25e-2', 250n],
    [DOC.exponent, 1.5e-7, 1n],
    [DOC.grammar, 1e18, 10n ** 21n],
    [DOC.precision, '0.1m', 1n],
    [DOC.precision, '1n', 1n],
    [DOC.precision, '1500u', 2n],
    [DOC.precision, '0.0001', 1n],
    [DOC.precision, '1e-30', 1n],
    [DOC.precision, '1Ei', 1152921504606846976000n],
    [DOC.precision, '8Ei', MAX_QUANTITY_MILLI],
    [DOC.precision, '1e400', MAX_QUANTITY_MILLI],
    [DOC.precision, '9223372036854775807', MAX_QUANTITY_MILLI],
  ];
  it.each(rows)('%s: %s', (_doc, input, milli) => {
    expect(parseQuantity(input)).toBe(milli);
  });

  it('says when a value was rounded up or capped', () => {
    expect(parseQuantityExact('0.1m')).toMatchObject({ ok: true, roundedUp: true, capped: false });
    expect(parseQuantityExact('16Ei')).toMatchObject({ ok: true, capped: true });
    expect(parseQuantityExact('9223372036854775807')).toMatchObject({ ok: true, capped: false });
    expect(parseQuantityExact('9223372036854775808')).toMatchObject({ ok: true, capped: true });
  });

  it('remembers the suffix type it was written with', () => {
    // "When a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized."
    expect(parseQuantityExact('1Gi')).toMatchObject({ format: 'BinarySI' });
    expect(parseQuantityExact('1G')).toMatchObject({ format: 'DecimalSI' });
    expect(parseQuantityExact('1e9')).toMatchObject({ format: 'DecimalExponent' });
  });

  it.each(['1gi', '1 Gi', 'Gi', '1Ki1', '--1', 'abc', '1.2.3', '', '.', '1e', '1e1.5', 'Infinity', 'NaN', '0x10', '1_000'])('%j is not a quantity', (bad) => {
    expect(parseQuantity(bad)).toBeUndefined();
  });

  it('refuses YAML .inf, -.inf and .nan with a reason', () => {
    expect(quantityProblem(Infinity)).toBe('is infinite (.inf)');
    expect(quantityProblem(-Infinity)).toBe('is infinite (-.inf)');
    expect(quantityProblem(NaN)).toBe('is not a number (.nan)');
    expect(quantityProblem(null)).toBe('is empty');
    expect(quantityProblem('9Ei')).toMatch(/2\^63-1/);
    expect(quantityProblem('-1m')).toMatch(/negative/);
    expect(quantityProblem('0')).toBeUndefined();
  });
});

describe('parse, asked again', () => {
  it('gives the same answer for a text seen before, a number written the same way, and after many distinct texts', () => {
    const first = parseQuantityExact('1.5Gi');
    expect(parseQuantityExact('1.5Gi')).toEqual(first);
    expect(parseQuantityExact(0.25)).toEqual(parseQuantityExact('0.25'));
    // More distinct texts than the memo keeps: each is still parsed exactly.
    for (let i = 0; i < 25_000; i++) expect(parseQuantity(`${i}m`)).toBe(BigInt(i));
    expect(parseQuantityExact('1.5Gi')).toEqual(first);
    expect(parseQuantity('1.5Gi')).toBe(1536n * Mi);
    expect(parseQuantityExact('bogus')).toEqual({ ok: false, problem: 'is not a Kubernetes quantity' });
    expect(parseQuantityExact('bogus')).toEqual({ ok: false, problem: 'is not a Kubernetes quantity' });
  });
});

describe('compare and add exactly', () => {
  it(DOC.float, () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; the quota is exactly used up.
    const sum = parseQuantity('0.1')! + parseQuantity('0.2')!;
    expect(sum).toBe(parseQuantity('300m'));
    expect(parseQuantity('0.3')! - sum).toBe(0n);
    expect(3n * parseQuantity('0.2')!).toBe(parseQuantity('600m'));
    expect(parseQuantity('1Gi')! > parseQuantity('1G')!).toBe(true);
    expect(parseQuantity('1024Mi')).toBe(parseQuantity('1Gi'));
    expect(parseQuantity('1000m')).toBe(parseQuantity('1'));
    // Beyond a double's 53 bits of mantissa: 2^53 + 1 bytes stays distinct from 2^53.
    expect(parseQuantity('9007199254740993')! - parseQuantity('9007199254740992')!).toBe(1000n);
  });
});

describe('format', () => {
  const canonical: [input: string, out: string][] = [
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['1024Mi', '1Gi'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['0.5Ki', '512'],
    ['1023Ki', '1023Ki'],
    ['-2Gi', '-2Gi'],
    ['0Gi', '0'],
    ['-0', '0'],
    ['1e3', '1e3'],
    ['1500e-3', '1500e-3'],
  ];
  it.each(canonical)(`${DOC.canonical}: %s → %s`, (input, out) => {
    const r = parseQuantityExact(input);
    if (!r.ok) throw new Error(r.problem);
    expect(canonicalQuantity(r.milli, r.format)).toBe(out);
  });

  it('converts to a JSON number once, from the exact value, and back', () => {
    expect(quantityNumber(700n)).toBe(0.7);
    expect(JSON.stringify(quantityNumber(parseQuantity('0.1')! + 3n * parseQuantity('0.2')!))).toBe('0.7');
    expect(quantityNumber(-300n)).toBe(-0.3);
    expect(quantityNumber(64n * Gi)).toBe(64 * 2 ** 30);
    for (const milli of [1n, 333n, 700n, 1536n * Mi, -1n]) expect(parseQuantity(quantityNumber(milli))).toBe(milli);
  });

  it('prints message arithmetic exactly, with a sign only when negative', () => {
    expect(formatQuantity(500n, 'requests.cpu')).toBe('500m');
    expect(formatQuantity(2000n, 'limits.cpu')).toBe('2');
    expect(formatQuantity(-100n, 'limits.cpu')).toBe('-100m');
    expect(formatQuantity(0n, 'limits.cpu')).toBe('0');
    expect(formatQuantity(2n * Gi, 'requests.memory')).toBe('2Gi');
    expect(formatQuantity(3n * Mi, 'limits.memory')).toBe('3Mi');
    expect(formatQuantity(1000n * 1000n * 1000n, 'limits.memory')).toBe('1000000');
    expect(formatQuantity(-(Mi / 2n), 'limits.memory')).toBe('-512Ki');
    expect(formatQuantity(1_000_000n, 'pods')).toBe('1000');
    expect(formatRatio(3000n, 1000n)).toBe('3');
    expect(formatRatio(1000n, 3000n)).toBe('0.334');
  });
});
