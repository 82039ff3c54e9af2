import { formatIp, inputCidrProblem, parseCidr, rangesOverlap, rangeWithin, type IpFamily, type IpRange } from '../manifest/cidr.js';
import type { Platform } from './types.js';

type Egress = Platform['egress'];
type Report = (pointer: string, message: string, hint: string) => void;

/** Without `externalCidrs`, external egress is IPv4 only, as it was before the field existed. */
export const DEFAULT_EXTERNAL_CIDRS: readonly string[] = ['0.0.0.0/0'];

export function externalCidrs(egress: Egress): readonly string[] {
  return egress.externalCidrs ?? DEFAULT_EXTERNAL_CIDRS;
}

/** One ipBlock of the external egress rule. */
export interface ExternalBlock {
  cidr: string;
  /** The denied ranges inside `cidr`, in the order tenants.yaml lists them; empty when none is. */
  except: string[];
}

/**
 * One ipBlock per external range, each excepting only the denied ranges that
 * lie strictly inside it: the API server rejects an except outside its cidr
 * ("Except values will be rejected if they are outside the cidr range"), and
 * an IPv6 except is outside every IPv4 cidr. resolve refuses a denied range
 * with no such home, so none is dropped from a validated file.
 */
export function externalBlocks(egress: Egress): ExternalBlock[] {
  const blocks = externalCidrs(egress).map((cidr) => ({ cidr, range: parseCidr(cidr), except: [] as string[] }));
  for (const d of egress.deniedCidrs) {
    const r = parseCidr(d);
    const home = r && blocks.find((b) => b.range && strictlyInside(r, b.range));
    if (home) home.except.push(d);
  }
  return blocks.map(({ cidr, except }) => ({ cidr, except }));
}

function strictlyInside(inner: IpRange, outer: IpRange): boolean {
  return rangeWithin(inner, outer) && !(inner.lo === outer.lo && inner.hi === outer.hi);
}

const familyName = (f: IpFamily) => (f === 4 ? 'IPv4' : 'IPv6');
const everything = (f: IpFamily) => `${formatIp(f, 0n)}/0`;

/**
 * What the schema cannot check in `platform.egress`: each CIDR strictly
 * written, external ranges that do not overlap (each address belongs to one
 * ipBlock), and every denied range inside an external range of its family,
 * so that it can be rendered as an except the API server accepts.
 */
export function egressErrors(egress: Egress, report: Report): void {
  const external: { i: number; cidr: string; range: IpRange }[] = [];
  (egress.externalCidrs ?? []).forEach((cidr, i) => {
    const at = `/platform/egress/externalCidrs/${i}`;
    const problem = inputCidrProblem(cidr);
    if (problem) return report(at, `externalCidrs: ${problem}`, 'write the network address and prefix length, e.g. 0.0.0.0/0 for all of IPv4 or ::/0 for all of IPv6');
    const range = parseCidr(cidr)!;
    const other = external.find((e) => rangesOverlap(e.range, range));
    if (other) {
      const what = other.cidr === cidr ? 'is listed twice' : `overlaps externalCidrs[${other.i}] ${other.cidr}`;
      return report(at, `externalCidrs: "${cidr}" ${what}`, 'list each external range once; a range inside another adds nothing (use deniedCidrs to carve addresses out)');
    }
    external.push({ i, cidr, range });
  });
  if (egress.externalCidrs && external.length < egress.externalCidrs.length) return;
  const homes = egress.externalCidrs ? external : DEFAULT_EXTERNAL_CIDRS.map((cidr, i) => ({ i, cidr, range: parseCidr(cidr)! }));
  const denied: { i: number; cidr: string; range: IpRange }[] = [];
  egress.deniedCidrs.forEach((cidr, i) => {
    const at = `/platform/egress/deniedCidrs/${i}`;
    const problem = inputCidrProblem(cidr);
    if (problem) return report(at, problem, 'write the network address and prefix length, e.g. 169.254.0.0/16 or fd00::/8');
    const range = parseCidr(cidr)!;
    // A denied range inside another is redundant but harmless (a reader may keep the named cluster ranges); a repeat is a slip.
    const twice = denied.find((d) => d.cidr === cidr);
    if (twice) return report(at, `deniedCidrs: "${cidr}" is listed twice (also deniedCidrs[${twice.i}])`, 'list each denied range once');
    denied.push({ i, cidr, range });
    const f = range.family;
    const sameFamily = homes.filter((h) => h.range.family === f);
    const written = egress.externalCidrs ? `externalCidrs is ${egress.externalCidrs.join(', ')}` : `externalCidrs is not set, so external egress is ${DEFAULT_EXTERNAL_CIDRS.join(', ')}`;
    if (sameFamily.length === 0) {
      return report(
        at,
        `deniedCidrs: "${cidr}" is ${familyName(f)} but no external range is (${written}); an ${familyName(f)} except under an ${familyName(f === 4 ? 6 : 4)} cidr is rejected by the API server`,
        `add ${everything(f)} (or the ${familyName(f)} ranges tenants may reach) to platform.egress.externalCidrs, or remove "${cidr}"`,
      );
    }
    // CIDRs of one family either nest or are disjoint.
    const covered = sameFamily.find((h) => rangeWithin(h.range, range));
    if (covered) {
      return report(at, `deniedCidrs: "${cidr}" covers the whole of external range ${covered.cidr}; an except must lie strictly inside its cidr`, egress.externalCidrs ? `remove ${covered.cidr} from platform.egress.externalCidrs instead` : `set platform.egress.externalCidrs to the ranges tenants may reach, without ${covered.cidr}`);
    }
    if (!sameFamily.some((h) => rangeWithin(range, h.range))) {
      return report(
        at,
        `deniedCidrs: "${cidr}" is not inside any external range (${written}); an except outside its cidr is rejected by the API server`,
        'remove it (no external ipBlock reaches it), or widen platform.egress.externalCidrs so that one range contains it',
      );
    }
  });
}
