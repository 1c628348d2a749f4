/**
 * The AWS region names a SigV4 credential scope may name, in every partition (aws, aws-cn,
 * aws-us-gov, aws-eusc and the ISO partitions). Source: the partitions table shipped with the AWS
 * SDK for JavaScript v3 (@aws-sdk/core 3.981.2, submodules/client/util-endpoints/lib/aws/partitions.js),
 * copied as data so src/ does not load the SDK at run time. The pseudo-regions `aws-global`,
 * `aws-cn-global`, … are left out: AWS refuses them in a scope ("Credential should be scoped to a
 * valid region, not 'aws-global'."). Names are lower case; the scope is matched exactly.
 * Deployments add their own names with TESSERA_EXTRA_REGIONS.
 */
export const AWS_REGIONS: readonly string[] = [
  // aws
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  // aws-cn
  'cn-north-1', 'cn-northwest-1',
  // aws-eusc
  'eusc-de-east-1',
  // aws-iso
  'us-iso-east-1', 'us-iso-west-1',
  // aws-iso-b
  'us-isob-east-1', 'us-isob-west-1',
  // aws-iso-e
  'eu-isoe-west-1',
  // aws-iso-f
  'us-isof-east-1', 'us-isof-south-1',
  // aws-us-gov
  'us-gov-east-1', 'us-gov-west-1',
];

const DEFAULT = new Set(AWS_REGIONS);

/** The regions accepted in a credential scope: AWS's plus `extra`. */
export function regionSet(extra: readonly string[] = []): ReadonlySet<string> {
  return extra.length === 0 ? DEFAULT : new Set([...AWS_REGIONS, ...extra]);
}

/**
 * regionSet(config.extraRegions). Deprecated: the composition root computes it once as
 * `services.regions`; callers still using this get the shared default set without allocating
 * (a new set only when extra regions are configured).
 */
export function configuredRegions(config: { extraRegions: readonly string[] }): ReadonlySet<string> {
  return regionSet(config.extraRegions);
}
