/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity) as
 * exact integers of milli-units (bigint), never floating point: 0.1 + 0.2 is
 * 300m, and a headroom is either exactly zero or it is not.
 *
 * Semantics follow https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/:
 * a signed decimal number with a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal
 * suffix (m "" k M G T P E; the parser also takes n and u) or a decimal
 * exponent (e3, E-2). "No quantity may represent a number greater than 2^63-1
 * in magnitude, nor may it have more than 3 decimal places. Numbers larger or
 * more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to
 * 1m.)" Milli-units are therefore exact for every value the API keeps.
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export type QuantityParse =
  | { ok: true; milli: bigint; format: QuantityFormat; capped: boolean; roundedUp: boolean }
  | { ok: false; problem: string };

const binary: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** 2^63-1 base units, the largest magnitude a Quantity represents. */
export const MAX_QUANTITY_MILLI = ((1n << 63n) - 1n) * 1000n;

const pattern = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parses a quantity exactly, or says why it is not one. */
export function parseQuantityExact(value: unknown): QuantityParse {
  let text: string;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { ok: false, problem: 'is not a number (.nan)' };
    if (!Number.isFinite(value)) return { ok: false, problem: `is infinite (${value > 0 ? '.inf' : '-.inf'})` };
    // The shortest decimal that reads back as this double: what the YAML said (0.1, not 0.1000000000000000055...).
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return { ok: false, problem: value === null ? 'is empty' : `is a ${Array.isArray(value) ? 'list' : typeof value}` };
  }
  // A tree repeats a handful of quantities thousands of times ("500m", "256Mi"): parsed once each.
  let parsed = parsedTexts.get(text);
  if (parsed === undefined) {
    if (parsedTexts.size >= MAX_PARSED_TEXTS) parsedTexts.clear();
    parsed = Object.freeze(parseText(text));
    parsedTexts.set(text, parsed);
  }
  return parsed;
}

const parsedTexts = new Map<string, QuantityParse>();
/** Past this many distinct texts the memo starts again, so hostile input cannot grow it without end. */
const MAX_PARSED_TEXTS = 10_000;

function parseText(text: string): QuantityParse {
  const m = pattern.exec(text);
  if (!m) return { ok: false, problem: 'is not a Kubernetes quantity' };
  const [, sign, whole, fraction, bare, suffix, exponent] = m;
  const frac = bare ?? fraction ?? '';
  const digits = `${whole ?? ''}${frac}`.replace(/^0+/, '');
  const format: QuantityFormat = exponent !== undefined ? 'DecimalExponent' : suffix && suffix in binary ? 'BinarySI' : 'DecimalSI';
  if (digits === '') return { ok: true, milli: 0n, format, capped: false, roundedUp: false };
  const factor = suffix && suffix in binary ? binary[suffix]! : 1n;
  // value × 1000 = digits × factor × 10^shift
  const exp = exponent !== undefined ? Number(exponent) : (decimal[suffix ?? ''] ?? 0);
  const shift = exp - frac.length + 3;
  let milli: bigint;
  let capped = false;
  let roundedUp = false;
  if (digits.length + shift > 40) {
    milli = MAX_QUANTITY_MILLI;
    capped = true;
  } else if (shift >= 0) {
    milli = BigInt(digits) * factor * pow10(shift);
  } else if (-shift > digits.length + 20) {
    milli = 1n;
    roundedUp = true;
  } else {
    const scaled = BigInt(digits) * factor;
    const div = pow10(-shift);
    milli = scaled / div;
    if (milli * div !== scaled) {
      milli += 1n;
      roundedUp = true;
    }
  }
  if (milli > MAX_QUANTITY_MILLI) {
    milli = MAX_QUANTITY_MILLI;
    capped = true;
  }
  return { ok: true, milli: sign === '-' ? -milli : milli, format, capped, roundedUp };
}

/** Exact value in milli-units (1 core = 1000n, 1Ki = 1024000n); undefined when it does not parse. */
export function parseQuantity(value: unknown): bigint | undefined {
  const r = parseQuantityExact(value);
  return r.ok ? r.milli : undefined;
}

/**
 * Why a value in our own input is not an acceptable quantity: unparseable,
 * infinite, NaN, beyond what a Quantity represents, or negative (the API
 * server's ValidateNonnegativeQuantity refuses negative resource and quota values).
 */
export function quantityProblem(value: unknown): string | undefined {
  const r = parseQuantityExact(value);
  if (!r.ok) return r.problem;
  if (r.capped) return 'is larger than the largest quantity Kubernetes represents (2^63-1)';
  if (r.milli < 0n) return 'is negative; the API server rejects negative quantities';
  return undefined;
}

const decimalSuffix: Record<number, string> = { 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const binarySuffixes: [string, bigint][] = Object.entries(binary).reverse().map(([s, f]) => [s, f * 1000n]);

/**
 * The canonical form the API server serialises: no precision lost, no
 * fractional digits, the largest exponent or suffix; 1.5 is "1500m", 1.5Gi is
 * "1536Mi". A BinarySI value below 1024 or with a fraction is written DecimalSI.
 */
export function canonicalQuantity(milli: bigint, format: QuantityFormat = 'DecimalSI'): string {
  if (milli < 0n) return `-${canonicalQuantity(-milli, format)}`;
  if (milli === 0n) return '0';
  if (format === 'BinarySI' && milli >= 1024000n && milli % 1000n === 0n) {
    for (const [s, f] of binarySuffixes) if (milli % f === 0n) return `${milli / f}${s}`;
    return String(milli / 1000n);
  }
  let exp = -3;
  let mantissa = milli;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') return exp === 0 ? String(mantissa) : `${mantissa}e${exp}`;
  return exp === -3 ? `${mantissa}m` : `${mantissa}${decimalSuffix[exp]}`;
}

const isBytes = (resource: string) => /memory|storage/.test(resource);

/**
 * Human form for arithmetic in messages: bytes with the largest binary suffix
 * that divides them, cores or millicores, plain counts. Exact, so a reader can
 * redo the sum; a negative value carries its sign and zero never does.
 */
export function formatQuantity(milli: bigint, resource: string): string {
  if (milli < 0n) return `-${formatQuantity(-milli, resource)}`;
  if (isBytes(resource)) return canonicalQuantity(milli, 'BinarySI');
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

/** `a / b` as a decimal with up to three places, rounded up (for ratios in messages). */
export function formatRatio(a: bigint, b: bigint): string {
  const milli = (a * 1000n + b - 1n) / b;
  const whole = milli / 1000n;
  const rest = milli % 1000n;
  return rest === 0n ? String(whole) : `${whole}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

/**
 * A JSON number in base units for an exact value: one correctly rounded
 * division, so 700m is 0.7 and prints as 0.7. Exact below 2^53 (8 PiB);
 * `parseQuantity` of the number gives the milli-units back.
 */
export function quantityNumber(milli: bigint): number {
  return milli % 1000n === 0n ? Number(milli / 1000n) : Number(milli) / 1000;
}

export const maxQuantity = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const minQuantity = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Whole units a count-like quantity holds (`pods: "10"` is 10). */
export const UNIT = 1000n;
