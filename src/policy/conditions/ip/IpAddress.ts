import type { ConditionOperator } from '../operator.js';
import { joinParts } from '../operator.js';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../shared/ip.js';

/** The request address is inside the policy range. IPv4 and IPv6, CIDR or single address; `/0` matches every address of its family. */
export const IpAddress: ConditionOperator<Cidr> = {
  name: 'IpAddress',
  family: 'ip',
  negated: false,
  variables: false,
  wildcards: false,
  compile: (parts) => parseCidr(joinParts(parts)),
  test: (v, c) => {
    const ip = parseIp(v);
    return ip !== null && cidrContains(c, ip);
  },
};
