import { formatRange, parseCidr, subtractRanges, type IpRange } from '../../analysis/netpol/index.js';
import type { Rule } from '../types.js';
import { asNetworkPolicy, policyRules } from '../util.js';

type Messages = 'notExcepted';

const linkLocal = '169.254.0.0/16';

function intersect(a: IpRange, b: IpRange): IpRange | undefined {
  if (a.family !== b.family) return undefined;
  const lo = a.lo > b.lo ? a.lo : b.lo;
  const hi = a.hi < b.hi ? a.hi : b.hi;
  return lo <= hi ? { family: a.family, lo, hi } : undefined;
}

/**
 * An "internet" ipBlock such as 0.0.0.0/0 also covers the cloud metadata
 * endpoint (credentials of the node) and the cluster's own pod and service
 * ranges, which would bypass every pod-level policy. Those must be carved out.
 */
export const externalEgress: Rule<Messages> = {
  meta: {
    local: true,
    id: 'network/external-egress',
    appliesTo: ['NetworkPolicy'],
    messages: {
      notExcepted: 'ipBlock {cidr} reaches {denied} ({range} not excepted)',
    },
  },
  checkManifest(m, ctx) {
    const denied = [...new Set([linkLocal, ...(ctx.platform?.egress.deniedCidrs ?? [])])];
    for (const rule of policyRules(asNetworkPolicy(m))) {
      if (rule.direction !== 'egress') continue;
      rule.peers.forEach((peer, j) => {
        const block = peer.ipBlock;
        const range = block && parseCidr(block.cidr);
        if (!block || !range) return;
        const excepts = (block.except ?? []).map(parseCidr).filter((r): r is IpRange => r !== undefined);
        const at = `${rule.peersPointer}/${j}/ipBlock`;
        for (const cidr of denied) {
          const d = parseCidr(cidr);
          const overlap = d && intersect(range, d);
          if (!overlap) continue;
          const open = subtractRanges([overlap], excepts);
          if (open.length === 0) continue;
          ctx.report({
            manifest: m,
            messageId: 'notExcepted',
            pointer: `${at}/${block.except ? 'except' : 'cidr'}`,
            expected: `except includes ${cidr}`,
            data: { cidr: block.cidr, denied: cidr, range: open.map(formatRange).join(', ') },
          });
        }
      });
    }
  },
};
