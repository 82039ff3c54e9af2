import { dnsEgress } from './dns-egress.js';
import { externalEgress } from './external-egress.js';
import { ipBlock } from './ipblock.js';
import { namespaceSelector } from './namespace-selector.js';
import { orPeer } from './or-peer.js';

export const networkRules = {
  'network/namespace-selector': namespaceSelector,
  'network/or-peer': orPeer,
  'network/dns-egress': dnsEgress,
  'network/external-egress': externalEgress,
  'network/ipblock': ipBlock,
};
