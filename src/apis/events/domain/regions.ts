/**
 * The Regions of every AWS partition, as botocore 1.43.11 lists them
 * (botocore/data/endpoints.json, `partitions[].regions`); EventBridge runs in each of them.
 * A SigV4 scope or an ARN naming anything else names no Region: AWS refuses such a scope
 * before it reads the request (see regionNotValid), and the emulator creates no namespace for it.
 */
const regions: ReadonlySet<string> = new Set([
  // aws
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1',
  'us-west-2',
  // aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
  'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1', 'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1',
  'us-isob-west-1', 'eu-isoe-west-1', 'us-isof-east-1', 'us-isof-south-1', 'eusc-de-east-1',
]);

export function isRegion(region: string): boolean {
  return regions.has(region);
}
