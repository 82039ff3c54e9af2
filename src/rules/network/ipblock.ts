import { cidrProblem, parseCidr } from '../../manifest/cidr.js';
import type { Rule } from '../types.js';
import { asNetworkPolicy, policyRules } from '../util.js';

type Messages = 'cidr' | 'exceptInvalid' | 'exceptOutside' | 'exceptFamily';

/**
 * What the API server's NetworkPolicy validation refuses in an ipBlock, so a
 * tree that would fail at sync time fails here: "cidr is a string representing
 * the IPBlock. Valid examples are "192.168.1.0/24" or "2001:db8::/64"" and
 * "except is a slice of CIDRs that should not be included within an IPBlock
 * [...] Except values will be rejected if they are outside the cidr range"
 * (Kubernetes API reference, NetworkPolicy v1, IPBlock). Leading zeros are
 * refused as well: readers disagree on them (CVE-2021-29923).
 */
export const ipBlock: Rule<Messages> = {
  meta: {
    local: true,
    id: 'network/ipblock',
    appliesTo: ['NetworkPolicy'],
    messages: {
      cidr: 'ipBlock.cidr {value}: {problem}',
      exceptInvalid: 'except {value}: {problem}',
      exceptOutside: 'except {value} is outside cidr {cidr}; the API server rejects except values outside the cidr range',
      exceptFamily: 'except {value} is not the same IP family as cidr {cidr}; the API server rejects it',
    },
  },
  checkManifest(m, ctx) {
    for (const rule of policyRules(asNetworkPolicy(m))) {
      rule.peers.forEach((p, j) => {
        const block = p.ipBlock;
        if (!block) return;
        const at = `${rule.peersPointer}/${j}/ipBlock`;
        const problem = cidrProblem(block.cidr);
        const range = parseCidr(block.cidr);
        if (problem) ctx.report({ manifest: m, messageId: 'cidr', pointer: `${at}/cidr`, data: { value: block.cidr, problem: problem.replace(`"${block.cidr}" `, '') } });
        (block.except ?? []).forEach((e, k) => {
          const pointer = `${at}/except/${k}`;
          const ep = cidrProblem(e);
          const er = parseCidr(e);
          if (ep || !er) {
            ctx.report({ manifest: m, messageId: 'exceptInvalid', pointer, data: { value: e, problem: (ep ?? 'not a CIDR').replace(`"${e}" `, '') } });
            return;
          }
          if (!range) return;
          if (er.family !== range.family) ctx.report({ manifest: m, messageId: 'exceptFamily', pointer, data: { value: e, cidr: block.cidr } });
          else if (er.lo < range.lo || er.hi > range.hi || (er.lo === range.lo && er.hi === range.hi)) {
            ctx.report({ manifest: m, messageId: 'exceptOutside', pointer, data: { value: e, cidr: block.cidr } });
          }
        });
      });
    }
  },
};
